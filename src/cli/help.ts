import { modelSpec } from '../models/lookup.js';
import { endpointsText } from '../models/views/param-doc.js';
import { VERSION } from '../version.js';
import { cliFlags, flagHelp } from './model-flags.js';

const COMMON = `Common flags:
  --json                 One JSON object per line on stdout (the default when stdout is not a terminal)
  --api-key-file <path>  Read the key from this file (default: the SEGMIND_API_KEY variable)
  --base-url <url>       API origin (default: SEGMIND_BASE_URL, else https://api.segmind.com)
  -h, --help             This help`;

const EXIT_CODES = `Exit codes: 0 done, 1 a job or request failed, 2 usage or validation error, 130 interrupted.`;

/**
 * The model's part of `segmind run <model> --help`: its flags with their rules, ranges, choices and
 * defaults; without a model, where to find them.
 */
function modelSection(model: string | undefined): string {
  const spec = model === undefined ? undefined : modelSpec(model);
  if (model === undefined) {
    return `Model flags: every model of the registry has its own (--aspect-ratio, --steps, --input-image, …).
'segmind <command> <model> --help' lists a model's flags with their ranges and defaults;
'segmind models' lists the models.`;
  }
  if (!spec) {
    return `${model} is not in the SDK's registry: pass its parameters with --param key=value; nothing
is checked before sending. 'segmind models' lists the models the SDK checks.`;
  }
  const prompt = spec.params.prompt;
  const promptLine = prompt
    ? `  [prompt]                 ${prompt.description.replace(/\.$/, '')}${prompt.required ? ' [required]' : ''}`
    : '  (no prompt)';
  const extra = spec.strict
    ? 'Its parameter table is complete: --param with any other key is refused.'
    : 'Known in part: --param key=value sends any other key (a near miss of a known name is refused).';
  const flags = cliFlags(model);
  const images = flags.some((f) => f.image)
    ? '\nImage flags take a file path (relative to the current folder; uploaded first) or an http(s) URL\n(sent as is).'
    : '';
  return `Parameters of ${model} (${spec.title}; ${endpointsText(spec)}):
${promptLine}
${flagHelp(flags).join('\n')}
${extra}${images}`;
}

const OUTPUT = `  -o, --output <path>    File to write, or folder/ to write into (created if missing); default:
                         <model>-<id>.<ext> in the current folder. The extension follows the
                         image's format; a file named otherwise gets the bytes as sent, and a warning
  --force                Overwrite an existing file (never done otherwise)`;

const PARAMS = `  --param <key=value>    Any parameter, repeatable; the value is JSON when it is JSON (4, true,
                         [1,2]), else text. Numbers a double cannot hold exactly (beyond ±2^53 - 1)
                         are refused, never rounded. The way to pass parameters to models the SDK
                         does not type. For a model's image parameter it takes a path or URL too
                         (--param input_image=photo.jpg, --param image_urls='["a.png","https://…"]').

A parameter set twice on the command line, by its flag and by --param (--steps 2 --param steps=3)
or twice by either, takes the later value. An image list is built in order: each --image-urls adds
one image; --param image_urls=[…] sets the whole list. A switch (--go-fast) has a --no- form.`;

const TEXTS = {
  main: (_model?: string) => `segmind ${VERSION}: Segmind's Flux image API from the command line

Usage:
  segmind run <model> [prompt] [flags]      Submit a job (v2), wait for it, save the image
  segmind sync <model> [prompt] [flags]     One v1 call, save the image
  segmind batch <model> <file|-> [flags]    Many images: one prompt (or JSON params object) per line
  segmind job <request-id> [--wait] [-o f]  A job's status, or wait for it and save its image
  segmind models [model]                    The Flux family by group; a model's parameters and rules

The prompt comes from the argument, or from stdin when it is left out (or is -).
The API key comes from SEGMIND_API_KEY or --api-key-file, never from a flag's value.
Run 'segmind <command> --help' for the flags of a command.

Examples:
  segmind run fast-flux-schnell "a fox in the snow" --aspect-ratio 16:9 -o fox.jpg
  segmind sync flux-schnell "a tiger" --width 1024 --height 768 -o tiger.jpg
  segmind run flux-kontext-pro "make it night" --input-image photo.jpg -o night.png
  segmind batch fast-flux-schnell prompts.txt -o out/ --concurrency 4 --rpm 50 --journal run.jsonl
  echo "a lighthouse at dawn" | segmind run fast-flux-schnell --json

${COMMON}
  -v, --version          Print the version

${EXIT_CODES}
`,
  run: (model?: string) => `Usage: segmind run <model> [prompt] [flags]

Submits a v2 job, shows its status until it ends (on a terminal), then saves the image.
Parameters are checked before anything is sent. Ctrl-C stops waiting and prints the request id;
'segmind job <id> --wait' picks it up again (Segmind keeps jobs an hour).

Flags:
${OUTPUT}
  --timeout <duration>   Give up waiting after this long: 90s, 10m (default 10m); the job may still finish
${PARAMS}

${modelSection(model)}

${COMMON}

${EXIT_CODES}
`,
  sync: (model?: string) => `Usage: segmind sync <model> [prompt] [flags]

One v1 call (POST /v1/<model>): the answer is the image, saved to -o. Best for fast models.
Prints the credits left when the server says.

Flags:
${OUTPUT}
  --timeout <duration>   Limit for the call: 90s, 2m (default 2m)
${PARAMS}

${modelSection(model)}

${COMMON}

${EXIT_CODES}
`,
  batch: (model?: string) => `Usage: segmind batch <model> <file|-> [flags]

Makes one image per input line: a text file has one prompt per line; a JSONL file has one
parameters object per line ({"prompt": "…", "seed": 7}). '-' reads stdin. Flags below apply
to every line; a JSONL line's own keys win over them. Every line is checked before anything is
sent, and so is every file name the images will take.

In a JSONL line, an image parameter's value that is not an http(s) URL is a file path, relative to
the JSONL file's folder (for stdin, the current folder): {"prompt": "make it night",
"input_image": "photos/day.jpg"}. Each file is uploaded once, however many lines use it.

Flags:
  -o, --output <dir/>    Folder for the images, named by line number, 0001.png (default: the
                         current folder; created if missing)
  --force                Overwrite existing files (never done otherwise)
  --concurrency <n>      Images in flight at once (default 4)
  --rpm <n>              Requests per minute to hold to (Segmind: Free 5, Pro 50)
  --journal <file>       Record each request id: re-running with the same journal resumes
                         without paying twice for anything already submitted
  --via <async|sync>     v2 jobs (default) or v1 calls
  --timeout <duration>   Deadline per image (default 10m)
${PARAMS}

${modelSection(model)}

${COMMON}

Ctrl-C stops submitting, lists the request ids still running, and says how to resume.
${EXIT_CODES} A batch with any failed line exits 1.
`,
  job: () => `Usage: segmind job <request-id> [--wait] [-o file]

Prints a v2 job's status. With --wait (or -o), waits for it to end and saves its image.
Segmind keeps jobs for an hour after they were submitted.

Flags:
  --wait                 Wait for the job to end, then save its image
${OUTPUT}
  --timeout <duration>   Give up waiting after this long (default 10m)

${COMMON}

${EXIT_CODES} A FAILED job exits 1.
`,
  models: () => `Usage: segmind models [model]

Lists the Flux models the SDK types and checks, by group (text to image, editing, conditioning,
upscaling), with what each is for and its endpoints (v1: segmind sync, v2: segmind run); or one
model's parameters with their rules, ranges, choices, defaults and which take images. Any other
Segmind model works too, with --param key=value.

Flags:
  --json                 One JSON object per model (with a model: its registry entry and flags)
  -h, --help             This help
`,
} as const;

/** The help text of a command, or of the bin itself; for run, sync and batch, with `model`'s flags. */
export function commandHelp(name: keyof typeof TEXTS, model?: string): string {
  return TEXTS[name](model);
}
