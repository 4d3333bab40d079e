/** The machine a benchmark ran on, for the header of bench/results/*.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

function lscpuField(name: string): string | undefined {
  try {
    const text = execFileSync('lscpu', { encoding: 'utf8' });
    const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
    return line?.slice(name.length + 1).trim();
  } catch {
    return undefined;
  }
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const match = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
    if (match) return match[1];
  } catch {
    // not Linux, or no os-release
  }
  return `${process.platform} ${process.arch}`;
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

/** One markdown paragraph describing the machine, the runtime and the time of the run. */
export function describeMachine(): string {
  const model = lscpuField('Model name') ?? cpus()[0]?.model ?? 'unknown CPU';
  const hypervisor = lscpuField('Hypervisor vendor');
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${model}, ${cpus().length} cores${hypervisor ? ` (${hypervisor} guest)` : ''}, ${memory} RAM`,
    `- os: ${osName()}, Linux ${process.platform === 'linux' ? readKernel() : ''}`.trimEnd(),
    `- node ${process.version}`,
    `- load average at start (1/5/15 min): ${loadAverage()}`,
  ].join('\n');
}

function readKernel(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return '';
  }
}
