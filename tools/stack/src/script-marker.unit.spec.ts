import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from '@jest/globals';
import { projectRoot } from './project-root.js';
import { scriptMarker } from './script-marker.js';

describe('scriptMarker', () => {
  it("gives a package's script the same marker in any checkout", () => {
    const a = scriptMarker('/srv/ledger/node_modules/maildev/dist/bin/maildev.js');
    const b = scriptMarker('/opt/ledger-2/node_modules/maildev/dist/bin/maildev.js');
    assert.equal(a, join('maildev', 'dist', 'bin', 'maildev.js'));
    assert.equal(b, a);
  });

  it('takes the innermost node_modules of a nested package', () => {
    assert.equal(
      scriptMarker('/srv/ledger/node_modules/a/node_modules/cognito-local/lib/bin/start.js'),
      join('cognito-local', 'lib', 'bin', 'start.js'),
    );
  });

  it("gives one of the checkout's own scripts its path below the checkout", () => {
    const shim = join(projectRoot, 'dist', 'tools', 'stack', 'src', 'cognito-page-shim-main.js');
    assert.equal(scriptMarker(shim), join('dist', 'tools', 'stack', 'src', 'cognito-page-shim-main.js'));
  });
});
