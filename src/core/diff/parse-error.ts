/** Where and why a config file does not parse; line and col are 1-based. */
export interface ParseError {
  message: string;
  line: number;
  col: number;
}
