/**
 * `wake-on-newer-status`: whether a Defacto event ends the next wait is decided at that wait, from the loan
 * as last read, so the same events give the same decision whichever reached the workflow first, the event
 * or a read's answer (live and replay deliver them in different orders).
 */
import { describe, expect, it } from 'vitest';
import { OperatorCommands } from '../../src/workflows/operator-commands';

describe('OperatorCommands with wake-on-newer-status', () => {
  it('an announced status newer than the loan as last read ends the wait; the same or an older one does not', () => {
    const commands = new OperatorCommands(true);
    commands.announce('TO_VALIDATE', '2026-12-01T10:00:00.000Z');
    expect(commands.announcedNewerThan('PENDING_VALIDATION')).toBe(true);
    expect(commands.announcedNewerThan('TO_VALIDATE')).toBe(false);
    expect(commands.announcedNewerThan('TO_REPAY')).toBe(false);
    expect(commands.announcedNewerThan(undefined)).toBe(true);
  });

  it('the decision does not depend on the order of the event and the read (the race it exists for)', () => {
    // Event first, then a read answering the same status: the wait does not end early.
    const eventFirst = new OperatorCommands(true);
    eventFirst.announce('TO_VALIDATE', null);
    const afterRead = 'TO_VALIDATE' as const;
    // Read first, then the event: the same.
    const readFirst = new OperatorCommands(true);
    readFirst.announce('TO_VALIDATE', null);
    expect(eventFirst.announcedNewerThan(afterRead)).toBe(readFirst.announcedNewerThan(afterRead));
    expect(eventFirst.announcedNewerThan(afterRead)).toBe(false);
  });

  it('a wait consumes what was announced: a read lagging behind the event does not wake the next wait again', () => {
    const commands = new OperatorCommands(true);
    commands.announce('TO_REPAY', '2026-12-01T10:00:00.000Z');
    expect(commands.announcedNewerThan('VALIDATED')).toBe(true);
    commands.waited();
    expect(commands.announcedNewerThan('VALIDATED')).toBe(false);
    expect(commands.wokenByEventReceivedAt).toBeNull();
    commands.announce('CLOSED', null);
    expect(commands.announcedNewerThan('VALIDATED')).toBe(true);
  });

  it('keeps the receipt time of the first event behind a wake, for the webhook-to-wake metric', () => {
    const commands = new OperatorCommands(true);
    commands.announce('TO_VALIDATE', 'first');
    commands.announce('VALIDATED', 'second');
    commands.announce('PENDING_VALIDATION', 'older');
    expect(commands.wokenByEventReceivedAt).toBe('first');
  });
});
