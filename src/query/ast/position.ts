/** 1-based position of an element's start tag in the XML text. */
export interface Position {
  line: number;
  column: number;
}
