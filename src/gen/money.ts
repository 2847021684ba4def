/**
 * Money formatting for generated amounts. Amounts are integer cents (fen)
 * everywhere inside the generator so sums stay exact; only writers turn them
 * into the contract's decimal strings.
 */
import { pad2 } from './time-format.js';

/** Integer cents as a decimal string with exactly two decimals (`29900` -> `299.00`). */
export function formatCents(cents: number): string {
  const yuan = Math.floor(cents / 100);
  return yuan + '.' + pad2(cents - yuan * 100);
}
