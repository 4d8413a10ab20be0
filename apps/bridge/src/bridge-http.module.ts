import { Module, type DynamicModule } from '@nestjs/common';
import { CALLER_SECRET } from './caller-auth.guard.js';
import { FusionAuthConnectorController } from './fusionauth-connector.controller.js';
import { HealthController } from './health.controller.js';
import { KeycloakUserMigrationController } from './keycloak-user-migration.controller.js';
import { PasswordBridge } from './password-bridge.js';
import { VerifyController } from './verify.controller.js';

/** The HTTP shell: thin adapters over the one PasswordBridge use case, all behind the caller check but /health. */
@Module({})
export class BridgeHttpModule {
  static register(bridge: PasswordBridge, sharedSecret: string): DynamicModule {
    return {
      module: BridgeHttpModule,
      controllers: [VerifyController, KeycloakUserMigrationController, FusionAuthConnectorController, HealthController],
      providers: [
        { provide: PasswordBridge, useValue: bridge },
        { provide: CALLER_SECRET, useValue: sharedSecret },
      ],
    };
  }
}
