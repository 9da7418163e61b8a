/** A 2-D float dataset in row-major (C) order: row i is data[i*d .. i*d + d). */
export interface Dataset {
  /** The n × d values, row-major. */
  data: Float32Array;
  /** [n, d]: rows and columns. */
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
  /** The training rows. */
  train: T;
  /** The validation rows (0 rows when none were asked for). */
  val: T;
  /** The test rows (0 rows when none were asked for). */
  test: T;
}
