import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `cognito_sub -> target id`, for downstream systems that remap their foreign keys. */
@Entity({ name: 'id_translation' })
@Index('id_translation_target_user', ['target', 'targetUserId'])
export class IdTranslation {
  @PrimaryColumn({ name: 'cognito_sub', type: 'text' })
  cognitoSub!: string;

  /** `kind/realm`. */
  @PrimaryColumn({ type: 'text' })
  target!: string;

  @Column({ name: 'target_user_id', type: 'text' })
  targetUserId!: string;

  @Column({ name: 'imported_at', type: 'timestamptz' })
  importedAt!: Date;
}
