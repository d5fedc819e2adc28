/**
 * The dataset layer's public face: the trainer and the hosts import from here. Pure Node, no
 * tensors: every dataset is plain typed arrays until the trainer turns batches into tensors.
 */
export { DatasetError, sampleSize } from './types';
export type { Dataset, LoadOptions, Normalization, Split } from './types';
export { loadDataset } from './load';
export { loadIdxDir, loadIdxFile, parseIdxImages, parseIdxLabels, DIGIT_NAMES, FASHION_NAMES } from './idx';
export { loadCifarDir, CIFAR10_NAMES } from './cifar';
export { loadImageFolder } from './images';
export { loadCsv } from './csv';
export { loadEmbedded, EMBEDDED_NAMES, defaultDatasetsDir } from './embedded';
export { standardize, channelStats } from './normalize';
export { splitTrainValidation, takeSamples, splitSampleSize } from './split';
export { checkDatasetFits } from './fit';
export { mulberry32, seededPermutation } from './random';
