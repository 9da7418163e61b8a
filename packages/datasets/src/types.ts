/** A 2-D float dataset in row-major (C) order: row i is data[i*d .. i*d + d). */
export interface Dataset {
  data: Float32Array;
  shape: [n: number, d: number];
  /** A class per row, for generators that have one. */
  labels?: Int32Array;
}

/** A dataset whose rows carry a class label. */
export interface LabeledDataset extends Dataset {
  labels: Int32Array;
}

/** Train / validation / test parts of one dataset. */
export interface DatasetSplits<T extends Dataset = Dataset> {
  train: T;
  val: T;
  test: T;
}
