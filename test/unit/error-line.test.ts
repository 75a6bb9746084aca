import { describe, expect, it } from 'vitest';
import { CommandError, errorLine } from '../../src/cli';
import { NamespaceSetupError } from '../../src/namespace-setup';

describe('the one line a failed command prints', () => {
  it('is the bare message of an error meant for the user (a CommandError or a typed subclass of it)', () => {
    expect(errorLine(new CommandError('no such file: loans.csv\nsecond line'))).toBe('no such file: loans.csv');
    const missing = new NamespaceSetupError('namespace bare lacks search attributes LoanStatus: run `npm run namespace:setup` first');
    expect(missing.name).toBe('NamespaceSetupError');
    expect(missing).toBeInstanceOf(CommandError);
    expect(errorLine(missing)).toBe('namespace bare lacks search attributes LoanStatus: run `npm run namespace:setup` first');
  });

  it('names the class of an unexpected error', () => {
    expect(errorLine(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(errorLine('plain text')).toBe('plain text');
  });
});
