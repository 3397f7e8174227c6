// Paper presets (docs/methods.md §10): a built-in problem, its parameters, methods and options as a paper ran
// them, scaled down where this tool's CPU default cannot afford the paper's budget (said in `scaling`).
// Plain data in the protocol, so the CLI and the extension (which never imports core) share it.

/** A preset's option value (as core's PresetValue). */
export type PresetValue = number | string | boolean;

/** One paper's setting of one task, runnable as `bilevel run --preset ID`. */
export interface Preset {
  readonly id: string;
  readonly title: string;
  /** The source: paper, table, and the reference code's defaults it follows. */
  readonly source: string;
  /** Built-in problem id and its parameters. */
  readonly problem: string;
  readonly params: Readonly<Record<string, PresetValue>>;
  /** Methods the paper compares; `run` uses the first. */
  readonly methods: readonly string[];
  /** Run options every method takes (keys as in `bilevel methods`). */
  readonly options: Readonly<Record<string, PresetValue>>;
  /** Options of particular methods (e.g. `cg: { cgIterations: 50 }`), added to `options` for that method. */
  readonly methodOptions?: Readonly<Record<string, Readonly<Record<string, PresetValue>>>>;
  /** What differs from the paper and why (empty when nothing does). */
  readonly scaling: string;
}

const T6 = 'IAPTT-GM (seed 002) Table 6 and its code: Adam 0.01 for x, SGD 0.03 inner, K = 50, ρ = 0.5, evaluation every 10 outer iterations';
const HYPERCLEAN_SCALING =
  'T = 300 outer iterations instead of 3000, and 4000/2000/4000 train/validation/test digits instead of 5000/5000/10000 of the 60k set (the mnist package ships 10000 digits).';

/** Every preset, in the order `bilevel presets` lists them. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'iaptt-hyperclean',
    title: 'Data hyper-cleaning, linear lower level (IAPTT-GM paper)',
    source: T6,
    problem: 'hyperclean-mnist',
    params: { model: 'linear' },
    methods: ['iaptt-gm', 'rhg', 't-rhg', 'bda', 'cg', 'neumann'],
    options: { iterations: 300, lowerSteps: 50, lowerLr: 0.03, outerLr: 0.01, outerOptimizer: 'adam', evalEvery: 10 },
    // "IG inner iter 50" of Table 6 for the linear-system methods.
    // z (IA) is updated with SGD 0.03 in the IAPTT code (its text says Adam): docs/methods.md §9f.
    methodOptions: { 'iaptt-gm': { startOptimizer: 'sgd', startLr: 0.03 }, cg: { cgIterations: 50 }, neumann: { neumannTerms: 50 } },
    scaling: HYPERCLEAN_SCALING,
  },
  {
    id: 'iaptt-hyperclean-2layer',
    title: 'Data hyper-cleaning, two-layer lower level without activation (IAPTT-GM code)',
    source: `${T6}; Linear(784,300) → Linear(300,10), no activation (IAPTT code)`,
    problem: 'hyperclean-mnist',
    params: { model: 'two-layer', activation: 'none' },
    methods: ['iaptt-gm', 'rhg', 'bda'],
    options: { iterations: 300, lowerSteps: 50, lowerLr: 0.03, outerLr: 0.01, outerOptimizer: 'adam', evalEvery: 10 },
    methodOptions: { 'iaptt-gm': { startOptimizer: 'sgd', startLr: 0.03 } },
    scaling: HYPERCLEAN_SCALING,
  },
  {
    id: 'bda-hyperclean',
    title: 'Data hyper-cleaning, two-layer ReLU lower level (BDA code)',
    source: "BDA reference code: layers.fully_connected with its default ReLU; IAPTT-GM Table 6's K, step sizes and ρ",
    problem: 'hyperclean-mnist',
    params: { model: 'two-layer', activation: 'relu' },
    methods: ['bda', 'rhg'],
    options: { iterations: 300, lowerSteps: 50, lowerLr: 0.03, outerLr: 0.01, outerOptimizer: 'adam', evalEvery: 10 },
    scaling: HYPERCLEAN_SCALING,
  },
  {
    id: 'iaptt-fewshot-mnist',
    title: '5-way 1-shot classification, learned head initialization (IAPTT-GM paper)',
    source: 'IAPTT-GM (seed 002) Table 5 and Few_shot.py: K = 10, meta-batch 4, Adam 1e−3 for x and z, 15 queries per class',
    problem: 'fewshot-mnist',
    params: { ways: 5, shots: 1, mode: 'head' },
    methods: ['iaptt-gm', 'fom'],
    options: { lowerSteps: 10, metaBatch: 4, outerOptimizer: 'adam', outerLr: 0.001 },
    methodOptions: { 'iaptt-gm': { startLr: 0.001 } },
    scaling:
      'MNIST digits (classes 0–4 meta-train, 5–9 meta-test) and a small MLP feature extractor instead of miniImageNet and ConvNet-4; far fewer than 80000 meta-iterations (see the problem defaults).',
  },
  {
    id: 'ufom-sinusoid',
    title: 'Sinusoid regression, learned initialization (FOM vs UFOM)',
    source: 'MAML sinusoid regression (Finn et al. 2017) as the ABLO setting of UFOM (docs/methods.md §6.1): x = initialization, y_0 = x',
    problem: 'fewshot-sinusoid',
    params: { mode: 'maml' },
    methods: ['ufom', 'fom', 'rhg'],
    options: { outerOptimizer: 'adam', metaBatch: 4 },
    scaling: 'Fewer meta-iterations than MAML (70000) so it runs in minutes on a CPU (see the problem defaults).',
  },
];

/** The options a preset gives `method`: its run options, then that method's own. */
export function presetOptions(preset: Preset, method: string): Record<string, PresetValue> {
  return { ...preset.options, ...(preset.methodOptions?.[method] ?? {}) };
}

/** Looks a preset up by id; throws listing the valid ids. */
export function getPreset(id: string): Preset {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`unknown preset '${id}'; valid presets: ${PRESETS.map((x) => x.id).join(', ')}`);
  return p;
}
