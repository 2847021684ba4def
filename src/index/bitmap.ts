/**
 * The one place that loads roaring (a CommonJS native addon). Everything else
 * imports `Bitmap` from here.
 */
import roaring from 'roaring';

export const Bitmap = roaring.RoaringBitmap32;
export type Bitmap = InstanceType<typeof roaring.RoaringBitmap32>;
