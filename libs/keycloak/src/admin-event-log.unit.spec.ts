import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { userCreations } from './admin-event-log.js';

describe('userCreations: the users an administrator created, from a page of admin events', () => {
  it('given a CREATE USER event, then the user id comes from its resource path', () => {
    assert.deepEqual(
      userCreations([{ id: 'e1', time: 1000, resourcePath: 'users/0b2c8a4e-5d4f-4c1e-9a4b-1f2e3d4c5b6a' }]),
      [{ id: 'e1', time: 1000, userId: '0b2c8a4e-5d4f-4c1e-9a4b-1f2e3d4c5b6a' }],
    );
  });

  it('given a failed creation, a path below a user or no path, then nothing', () => {
    assert.deepEqual(
      userCreations([
        { id: 'e1', time: 1000, resourcePath: 'users/u1', error: 'User exists with same username' },
        { id: 'e2', time: 1001, resourcePath: 'users/u2/role-mappings/realm' },
        { id: 'e3', time: 1002 },
      ]),
      [],
    );
  });

  it('given an event without an id (older servers), then the user id stands in for it', () => {
    assert.deepEqual(userCreations([{ time: 5, resourcePath: 'users/u%2F1' }]), [
      { id: 'user:u/1', time: 5, userId: 'u/1' },
    ]);
  });
});
