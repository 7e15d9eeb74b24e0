// Recognizer shapes compared on real lines (compare-configs.ts) before the base model is
// trained: input height against the vertical pooling, horizontal stride (pixels per CTC
// frame) and width of the network. Heights must divide by the vertical pooling (16).
import { DEFAULT_CONFIG, type RecognizerConfig } from '../../main/ml/model.ts';

type Shape = Omit<RecognizerConfig, 'classes'>;

const pools = (widthPools: number): Shape['conv'] => DEFAULT_CONFIG.conv.map((l, i) => ({ ...l, pool: [2, i < widthPools ? 2 : 1] }));
const filters = (f: number[], base: Shape['conv']) => base.map((l, i) => ({ ...l, filters: f[i] }));

export const REAL_CONFIGS: Record<string, Shape> = {
  /** Today's network: 32 px, a frame per 4 px. */
  h32s4: DEFAULT_CONFIG,
  h48s4: { ...DEFAULT_CONFIG, height: 48 },
  /** A frame per 8 px, as kraken's default network: half the frames for the BiLSTMs. */
  h48s8: { ...DEFAULT_CONFIG, height: 48, conv: pools(3) },
  h64s8: { ...DEFAULT_CONFIG, height: 64, conv: pools(3) },
  /** 1.5× the filters and LSTM units. */
  h48s8w: { ...DEFAULT_CONFIG, height: 48, conv: filters([48, 96, 144, 192], pools(3)), lstmUnits: 192 },
  h64s8w: { ...DEFAULT_CONFIG, height: 64, conv: filters([48, 96, 144, 192], pools(3)), lstmUnits: 192 },
};
