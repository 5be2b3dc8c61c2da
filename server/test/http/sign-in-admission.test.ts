import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createSignInAdmission } from '../../src/http/sign-in-admission';

const response = (destroyed = false): ServerResponse & EventEmitter =>
  Object.assign(new EventEmitter(), { destroyed }) as unknown as ServerResponse & EventEmitter;

describe('sign-in admission', () => {
  it('admits what the hasher can run or queue; a closed response frees a place', () => {
    const admission = createSignInAdmission({ capacity: 2, reserved: 0, isSaturated: () => false });
    const first = response();
    expect(admission.admit(first)).toBe(true);
    expect(admission.isFull()).toBe(false);
    expect(admission.admit(response())).toBe(true);
    expect(admission.isFull()).toBe(true);
    expect(admission.admit(response())).toBe(false);
    first.emit('close');
    expect(admission.isFull()).toBe(false);
    expect(admission.admit(response())).toBe(true);
    expect(admission.admit(response())).toBe(false);
  });

  it('is full while the hasher is saturated by other work (sign-ups, resets)', () => {
    let saturated = true;
    const admission = createSignInAdmission({
      capacity: 5,
      reserved: 0,
      isSaturated: () => saturated,
    });
    expect(admission.isFull()).toBe(true);
    expect(admission.admit(response())).toBe(false);
    saturated = false;
    expect(admission.admit(response())).toBe(true);
  });

  it('does not count an already closed response (it would never free its place)', () => {
    const admission = createSignInAdmission({ capacity: 1, reserved: 0, isSaturated: () => false });
    expect(admission.admit(response(true))).toBe(false);
    expect(admission.admit(response())).toBe(true);
  });

  it('keeps the reserved places for device-cookie holders, one place per device', () => {
    const admission = createSignInAdmission({ capacity: 3, reserved: 1, isSaturated: () => false });
    expect(admission.admit(response())).toBe(true);
    expect(admission.admit(response())).toBe(true);
    expect(admission.isFull()).toBe(true);
    expect(admission.admit(response())).toBe(false);
    expect(admission.isFull('device-a')).toBe(false);
    const trusted = response();
    expect(admission.admit(trusted, 'device-a')).toBe(true);
    expect(admission.admit(response(), 'device-b')).toBe(false);
    trusted.emit('close');
    // One device cannot take the reserve twice at once.
    expect(admission.admit(response(), 'device-a')).toBe(true);
    expect(admission.isFull('device-a')).toBe(true);
  });
});
