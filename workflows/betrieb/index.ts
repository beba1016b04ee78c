/** Workflows of operations (issue 7). */
export { aufbewahrung } from './aufbewahrung';
export { betriebsbericht } from './bericht';
