/**
 * The timeline bar: play / pause, step, speed, a scrubber and event markers (vetoes, collisions,
 * command changes). Owns only the DOM; time itself lives in the app and is passed in.
 */
import type { TimelineEvent } from '../server/protocol.ts';

export interface TimelineHandlers {
  togglePlay(): void;
  step(ticks: number): void;
  seek(tS: number): void;
  setSpeed(factor: number): void;
}

const COLOURS: Record<TimelineEvent['kind'], string> = {
  veto: '#ff2d2d',
  collision: '#ff00c8',
  command: '#00e0ff',
};

export class Timeline {
  private readonly play: HTMLButtonElement;
  private readonly scrub: HTMLInputElement;
  private readonly time: HTMLSpanElement;
  private readonly markers: HTMLDivElement;
  private durationS = 0;

  constructor(root: HTMLElement, h: TimelineHandlers) {
    root.innerHTML = `<button id="tl-back" title="one tick back (←)">‹ step</button><button id="tl-play" title="play / pause (space)">play</button><button id="tl-fwd" title="one tick on (→)">step ›</button>
<select id="tl-speed" title="speed">${[0.25, 0.5, 1, 2, 4].map((s) => `<option value="${s}"${s === 1 ? ' selected' : ''}>${s}×</option>`).join('')}</select>
<div class="tl-track"><div id="tl-markers"></div><input id="tl-scrub" type="range" min="0" max="1" step="0.01" value="0"></div><span id="tl-time">0.0 s</span>`;
    this.play = root.querySelector('#tl-play')!;
    this.scrub = root.querySelector('#tl-scrub')!;
    this.time = root.querySelector('#tl-time')!;
    this.markers = root.querySelector('#tl-markers')!;
    this.play.onclick = () => h.togglePlay();
    (root.querySelector('#tl-back') as HTMLButtonElement).onclick = () => h.step(-1);
    (root.querySelector('#tl-fwd') as HTMLButtonElement).onclick = () => h.step(1);
    (root.querySelector('#tl-speed') as HTMLSelectElement).onchange = (e) =>
      h.setSpeed(Number((e.target as HTMLSelectElement).value));
    this.scrub.oninput = () => h.seek(Number(this.scrub.value));
  }

  /** Sets the length and the event markers (each with a tooltip; click jumps there). */
  setEvents(
    durationS: number,
    events: ReadonlyArray<TimelineEvent & { run: number }>,
    seek: (tS: number) => void,
  ): void {
    this.durationS = durationS;
    this.scrub.max = String(durationS);
    this.markers.innerHTML = '';
    for (const e of events) {
      const m = document.createElement('div');
      m.className = `tl-marker tl-${e.kind}`;
      m.style.left = `${durationS > 0 ? (100 * e.tS) / durationS : 0}%`;
      m.style.background = COLOURS[e.kind];
      m.title = `${e.tS.toFixed(1)} s · run ${e.run + 1} · ${e.label}`;
      m.onclick = () => seek(e.tS);
      this.markers.appendChild(m);
    }
  }

  show(tS: number, playing: boolean): void {
    this.scrub.value = String(tS);
    this.time.textContent = `${tS.toFixed(1)} / ${this.durationS.toFixed(1)} s`;
    this.play.textContent = playing ? 'pause' : 'play';
  }
}
