/** The live segments of the kill -9 trials (writer and checker). */
export const LIVE_CRASH_SEGMENTS: Record<string, string> = {
  s3: '<segment><bought sku="S3"/></segment>',
  'vip-big': '<segment><and><tag name="vip"/><bought minAmount="5"/></and></segment>',
  'not-s1-twice': '<segment><not><bought sku="S1" minCount="2"/></not></segment>',
  recent: '<segment><bought last="30d"/></segment>',
};
