// The choices a SeqCLR pretraining run offers, named once: the API schema (shared/api.ts), the
// CLI's option checks and the engine's types (main/ml/seqclr) all read these lists, so a new
// choice cannot reach one of them and be refused by another.
export const MAPPING_KINDS = ['window', 'frame', 'all'] as const;
export const HEAD_KINDS = ['mlp', 'bilstm', 'none'] as const;
export const FEATURE_KINDS = ['visual', 'contextual'] as const;
export const AUGMENTATION_PIPELINES = ['mild', 'strong'] as const;

export type MappingKind = (typeof MAPPING_KINDS)[number];
export type HeadKind = (typeof HEAD_KINDS)[number];
export type FeatureKind = (typeof FEATURE_KINDS)[number];
export type PipelineName = (typeof AUGMENTATION_PIPELINES)[number];
