import { describe, expect, it } from 'vitest';
import { describeMethod, parseIban, parseMethodDetails } from './payment-method.js';

describe('payment method details', () => {
  it('accepts a valid IBAN with spaces and lower case, and groups it', () => {
    expect(parseIban('de89 3704 0044 0532 0130 00')).toBe('DE89 3704 0044 0532 0130 00');
  });
  it('refuses an IBAN with a typo (mod-97) and one of the wrong shape', () => {
    expect(() => parseIban('DE89 3704 0044 0532 0130 01')).toThrow(/check digits do not match/);
    expect(() => parseIban('12345')).toThrow(/IBAN must look like/);
  });
  it('validates every field of a kind and names the bad one', () => {
    expect(parseMethodDetails('paypal', { email: ' a@b.example ' })).toEqual({ email: 'a@b.example' });
    expect(() => parseMethodDetails('paypal', { email: 'nope' })).toThrow(/PayPal e-mail must be an e-mail/);
    expect(() => parseMethodDetails('crypto', { network: 'BTC', address: '' })).toThrow(
      /wallet address must not be empty/,
    );
    expect(() => parseMethodDetails('cash', {})).toThrow(/one of paypal, wire, wise, crypto/);
  });
  it('does not print a full account number', () => {
    const d = describeMethod('wire', { holder: 'Jane', iban: 'DE89 3704 0044 0532 0130 00', bank: 'DB' });
    expect(d).toBe('Bank transfer to Jane, IBAN …3000, DB');
  });
});
