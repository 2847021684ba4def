/** Integer cents as a decimal string in yuan with two decimals ("1234.50"), exact up to 2^53 cents. */
export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100), frac = cents - whole * 100;
  return `${whole}.${frac < 10 ? '0' : ''}${frac}`;
}
