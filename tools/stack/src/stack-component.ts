export type ComponentState = 'up' | 'down';

export interface ComponentStatus {
  readonly name: string;
  readonly state: ComponentState;
  readonly detail: string;
}

/** One server of the local stack (Kafka, cognito-local, Keycloak, ...), run as a local process. */
export interface StackComponent {
  readonly name: string;
  status(): Promise<ComponentStatus>;
  /** Idempotent: does nothing when already up; otherwise fetches what it needs (cached), starts, waits until ready. */
  up(report: (line: string) => void): Promise<void>;
  down(): Promise<void>;
}
