/**
 * The viewer: one WebGL renderer, one scene per run (two runs → side by side with scissor
 * viewports and a shared clock), follow / top-down / orbit cameras, the timeline, the side panels,
 * picking, live ticks, and test hooks on `window.__edgeplan`.
 */
import { PerspectiveCamera, Raycaster, Vector2, Vector3, WebGLRenderer } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { LiveMessage, ViewerSession } from '../server/protocol.ts';
import { mapToThree } from './frames.ts';
import { bevHtml, commandHtml, inspectorHtml, verdictHtml } from './Panels.ts';
import { css, KINDS, PALETTE } from './palette.ts';
import { RunScene } from './RunScene.ts';
import { Timeline } from './Timeline.ts';

export type CameraMode = 'follow' | 'top' | 'orbit';

export interface BenchResult {
  frames: number;
  agents: number;
  /** Mean JavaScript time of scene update + render submission per frame, ms. */
  jsMsPerFrame: number;
  /** Of which updating the scene (instance matrices, ego, plan, lights), ms. */
  updateMsPerFrame: number;
  drawCalls: number;
  fps: number;
}

/** Follow camera: 20 m behind and 10 m above the ego centre, looking 15 m ahead (chase view). */
const FOLLOW = { backM: 20, upM: 10, aheadM: 15 };
/** Top-down camera height, m (about 50 m of road visible vertically at 50° fov). */
const TOP_HEIGHT_M = 55;
/** The length the camera distances are set for: nuPlan's Pacifica, m (core VehicleParams default). */
const CAR_LENGTH_M = 5.176;

export class ViewerApp {
  readonly renderer: WebGLRenderer;
  readonly runs: RunScene[];
  private readonly camera = new PerspectiveCamera(50, 1, 0.5, 3000);
  private readonly controls: OrbitControls;
  private mode: CameraMode = 'follow';
  private tS = 0;
  private playing = false;
  private speed = 1;
  private lastMs = -1;
  private focus = 0;
  /** What the side panels show now; they are rewritten only when it changes. */
  private readonly shown = {
    dirty: true,
    focus: -1,
    tick: -1,
    tick1: -1,
    selected: undefined as string | undefined,
    ticks: -1,
  };
  private benchRunning = false;
  /**
   * Something the picture shows changed outside a call that renders at once (live data, the play
   * state, an orbit drag): the next animation frame draws. A paused replay draws nothing — redrawing
   * an unchanged scene 60 times a second kept a core busy (in software WebGL, the whole core).
   */
  private frameWanted = true;
  private liveFollow: boolean;
  /** Scene-update part (agents, ego, lights) of the last frame's JS time, ms. */
  private lastUpdateMs = 0;
  private shownTime = -1;
  /** Shown under the run in live mode: streaming, or ended. */
  private liveState = 'live: streaming';
  private readonly timeline: Timeline;
  private readonly labels: HTMLDivElement[] = [];
  private readonly raycaster = new Raycaster();
  private readonly ndc = new Vector2();
  private readonly v = new Vector3();
  private readonly hasSafety: boolean[];

  constructor(
    private readonly root: HTMLElement,
    private readonly session: ViewerSession,
  ) {
    this.renderer = new WebGLRenderer({ antialias: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.renderer.setScissorTest(true);
    // Several viewports render per frame: count draw calls over the whole frame.
    this.renderer.info.autoReset = false;
    root.appendChild(this.renderer.domElement);
    this.runs = session.runs.map((r) => new RunScene(r));
    this.hasSafety = session.runs.map((r) => r.log.ticks.some((t) => t.verdict !== undefined));
    this.liveFollow = session.live;
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enabled = false;
    this.controls.addEventListener('change', () => {
      this.frameWanted = true;
    });
    this.runs.forEach((r, i) => {
      const l = document.createElement('div');
      l.className = 'view-label';
      const score = r.view.log.metrics ? ` · score ${(100 * r.view.log.metrics.score).toFixed(1)}` : '';
      l.innerHTML = `${r.view.label}<span class="sub">${score}</span>`;
      l.style.left = `calc(${(100 * i) / this.runs.length}% + 8px)`;
      root.appendChild(l);
      this.labels.push(l);
    });
    if (session.note) {
      const note = document.createElement('div');
      note.id = 'note';
      note.textContent = session.note;
      root.appendChild(note);
    }
    this.timeline = new Timeline(document.getElementById('timeline')!, {
      togglePlay: () => {
        if (!this.playing && this.tS >= this.durationS) this.tS = 0;
        this.playing = !this.playing;
        this.liveFollow = false;
        this.frameWanted = true;
      },
      step: (n) => this.step(n),
      seek: (t) => this.seek(t),
      setSpeed: (f) => {
        this.speed = f;
      },
    });
    this.refreshEvents();
    this.setupUi();
    window.addEventListener('resize', () => this.resize());
    this.resize();
    if (session.live) this.connectLive();
    requestAnimationFrame((t) => this.loop(t));
  }

  get durationS(): number {
    // Read every frame: a loop, not map + spread, so that it allocates nothing.
    let d = 0;
    for (const r of this.runs) d = Math.max(d, r.durationS);
    return d;
  }

  private get dtS(): number {
    return this.runs[0]!.view.log.dtS;
  }

  seek(tS: number): void {
    this.tS = Math.max(0, Math.min(this.durationS, tS));
    this.liveFollow = false;
    this.renderFrame();
  }

  /** Moves by n ticks and snaps to the tick grid. */
  step(n: number): void {
    this.playing = false;
    const k = Math.round(this.tS / this.dtS) + n;
    this.seek(k * this.dtS);
  }

  setCamera(mode: CameraMode): void {
    this.mode = mode;
    this.controls.enabled = mode === 'orbit';
    if (mode === 'orbit') {
      const e = this.runs[0]!.ego.centre;
      mapToThree(e.x, e.y, 0, this.controls.target);
      mapToThree(e.x - 30, e.y - 30, 40, this.camera.position);
      this.camera.up.set(0, 1, 0);
      this.controls.update();
    }
    for (const b of document.querySelectorAll<HTMLButtonElement>('#cams button'))
      b.classList.toggle('on', b.dataset.cam === mode);
    this.renderFrame();
  }

  private setupUi(): void {
    for (const b of document.querySelectorAll<HTMLButtonElement>('#cams button'))
      b.onclick = () => this.setCamera(b.dataset.cam as CameraMode);
    document.getElementById('legend')!.innerHTML = [
      ['ego', PALETTE.ego],
      ...KINDS.map((k) => [k, PALETTE.kinds[k]] as const),
      ['plan', PALETTE.plan],
      ['route', PALETTE.refPath],
      ['veto', PALETTE.veto],
    ]
      .map(([n, c]) => `<span><i style="background:${css(c as number)}"></i>${n}</span>`)
      .join('');
    this.renderer.domElement.addEventListener('click', (e) => {
      const r = this.renderer.domElement.getBoundingClientRect();
      const hit = this.pickAt(e.clientX - r.left, e.clientY - r.top);
      this.runs[this.focus]!.selected = hit;
      this.renderFrame();
    });
    window.addEventListener('keydown', (e) => {
      if (e.key === ' ') {
        this.playing = !this.playing;
        this.frameWanted = true;
      } else if (e.key === 'ArrowRight') this.step(1);
      else if (e.key === 'ArrowLeft') this.step(-1);
    });
  }

  private refreshEvents(): void {
    const events = this.runs.flatMap((r, run) => r.view.events.map((e) => ({ ...e, run })));
    this.timeline.setEvents(this.durationS, events, (t) => this.seek(t));
  }

  private resize(): void {
    const w = this.root.clientWidth;
    const h = this.root.clientHeight;
    this.renderer.setSize(w, h, false);
    this.renderFrame();
  }

  private loop(nowMs: number): void {
    requestAnimationFrame((t) => this.loop(t));
    if (this.benchRunning) return;
    const dt = this.lastMs < 0 ? 0 : Math.min(0.1, (nowMs - this.lastMs) / 1000);
    this.lastMs = nowMs;
    if (this.playing) {
      this.tS += dt * this.speed;
      if (this.tS >= this.durationS) {
        this.tS = this.durationS;
        if (!this.session.live) {
          this.playing = false;
          // the end itself is drawn: the frame at durationS, with its panels
          this.frameWanted = true;
        }
      }
    } else if (this.liveFollow) this.tS = this.durationS;
    if (!this.playing && !this.frameWanted) return;
    this.renderFrame();
  }

  /** Places the camera for view i (follow and top-down track that run's ego). */
  private placeCamera(i: number, aspect: number): void {
    this.camera.aspect = aspect;
    this.camera.updateProjectionMatrix();
    if (this.mode === 'orbit') return;
    const run = this.runs[i]!;
    const e = run.ego.centre;
    const c = Math.cos(e.headingRad);
    const s = Math.sin(e.headingRad);
    // Distances are set for a car; a small robot gets a proportionally closer camera.
    const k = Math.min(2, Math.max(0.3, run.view.log.vehicle.lengthM / CAR_LENGTH_M));
    if (this.mode === 'follow') {
      this.camera.up.set(0, 1, 0);
      mapToThree(
        e.x - k * FOLLOW.backM * c,
        e.y - k * FOLLOW.backM * s,
        k * FOLLOW.upM,
        this.camera.position,
      );
      this.camera.lookAt(mapToThree(e.x + k * FOLLOW.aheadM * c, e.y + k * FOLLOW.aheadM * s, 0, this.v));
    } else {
      // North up: the screen's up is map +y, which is three's −z.
      this.camera.up.set(0, 0, -1);
      mapToThree(e.x, e.y, k * TOP_HEIGHT_M, this.camera.position);
      this.camera.lookAt(mapToThree(e.x, e.y, 0, this.v));
    }
  }

  private viewRect(i: number): { x: number; w: number; h: number } {
    const W = this.root.clientWidth;
    const w = W / this.runs.length;
    return { x: i * w, w, h: this.root.clientHeight };
  }

  /** Updates every run to the current time and renders all views; returns the JS time, ms. */
  renderFrame(): number {
    this.frameWanted = false;
    const t0 = performance.now();
    this.renderer.info.reset();
    for (let i = 0; i < this.runs.length; i++) {
      const run = this.runs[i]!;
      const u0 = performance.now();
      run.setTime(this.tS);
      this.lastUpdateMs = performance.now() - u0;
      const r = this.viewRect(i);
      this.placeCamera(i, r.w / r.h);
      this.renderer.setViewport(r.x, 0, r.w, r.h);
      this.renderer.setScissor(r.x, 0, r.w, r.h);
      this.renderer.render(run.scene, this.camera);
    }
    const ms = performance.now() - t0;
    // The time label shows tenths: touch the DOM only when they or the play state change.
    const shown = Math.round(this.tS * 10) * 2 + (this.playing ? 1 : 0);
    if (shown !== this.shownTime) {
      this.shownTime = shown;
      this.timeline.show(this.tS, this.playing);
    }
    this.updatePanels();
    return ms;
  }

  /**
   * The tick the panels describe for `run`: the one nearest the shown time. The 3D view interpolates
   * towards the next tick, so "at or before" would leave the panels and the BEV inset a step behind.
   */
  private panelTick(run: RunScene): number {
    const n = run.ticks.length;
    if (n === 0) return 0;
    const k = Math.round((this.tS - run.ticks[0]!.tS) / run.view.log.dtS);
    return Math.max(0, Math.min(n - 1, k));
  }

  private updatePanels(): void {
    const focused = this.runs[this.focus]!;
    const k0 = this.panelTick(this.runs[0]!);
    const k1 = this.runs.length > 1 ? this.panelTick(this.runs[1]!) : -1;
    const nTicks = this.runs.reduce((a, r) => a + r.ticks.length, 0);
    // Compared field by field (no key string): this runs every frame.
    const sh = this.shown;
    if (
      !sh.dirty &&
      sh.focus === this.focus &&
      sh.tick === k0 &&
      sh.tick1 === k1 &&
      sh.selected === focused.selected &&
      sh.ticks === nTicks
    )
      return;
    sh.dirty = false;
    sh.focus = this.focus;
    sh.tick = k0;
    sh.tick1 = k1;
    sh.selected = focused.selected;
    sh.ticks = nTicks;
    const many = this.runs.length > 1;
    const status: string[] = [];
    const commands: string[] = [];
    const verdicts: string[] = [];
    for (let i = 0; i < this.runs.length; i++) {
      const run = this.runs[i]!;
      const log = run.view.log;
      const k = i === 0 ? k0 : k1;
      const tick = log.ticks[k];
      if (!tick) continue;
      const score = log.metrics ? ` · score ${(100 * log.metrics.score).toFixed(1)}` : '';
      status.push(
        `<p${many && i === this.focus ? ' class="selected"' : ''}><b>${many ? `Run ${i + 1}` : 'Run'}</b> · ${run.view.label}${score}<br>t ${tick.tS.toFixed(1)} s · ego ${tick.ego.speedMps.toFixed(1)} m/s · ${tick.agents.length} agents${many && i === this.focus ? ' · selected' : ''}</p>`,
      );
      commands.push(commandHtml(log, k, many ? `Command · run ${i + 1}` : 'Command'));
      verdicts.push(verdictHtml(log, k, this.hasSafety[i]!, many ? `Safety · run ${i + 1}` : 'Safety'));
    }
    if (this.session.live) status.push(`<p class="muted">${this.liveState}</p>`);
    document.getElementById('status')!.innerHTML =
      `<h3>${many ? `Runs (${this.runs.length})` : 'Run'}</h3>${status.join('')}`;
    document.getElementById('command')!.innerHTML = commands.join('');
    document.getElementById('verdict')!.innerHTML = verdicts.join('');
    const kf = this.focus === 0 ? k0 : k1;
    const ftick = focused.view.log.ticks[kf];
    // A live run shows its first panels before its first tick arrives: no agent or BEV to show yet.
    if (!ftick) return;
    document.getElementById('inspector')!.innerHTML = inspectorHtml(
      focused.view.log,
      kf,
      focused.selected,
      focused.ego.centre,
    ).replace(
      '<h3>Inspector</h3>',
      many ? `<h3>Inspector · run ${this.focus + 1}</h3>` : '<h3>Inspector</h3>',
    );
    if (this.session.bev) this.showBev(this.focus, kf, ftick.bevPng !== undefined);
    else document.getElementById('bev')!.innerHTML = bevHtml(focused.view.log, kf);
  }

  /** Points the inset at the server's BEV of (run, tick); the <img> is kept so that it never flickers. */
  private showBev(run: number, k: number, recorded: boolean): void {
    const box = document.getElementById('bev')!;
    let img = box.querySelector('img');
    if (!img) {
      box.innerHTML = '<img id="bev-img" alt="BEV at this tick"><p class="muted" id="bev-cap"></p>';
      img = box.querySelector('img')!;
    }
    const src = `/api/bev?run=${run}&tick=${k}`;
    if (img.getAttribute('src') !== src) {
      // data-shown says which (run, tick) the picture on screen is, once it has arrived.
      const shownImg = img;
      shownImg.onload = () => shownImg.setAttribute('data-shown', `${run}:${k}`);
      shownImg.setAttribute('src', src);
    }
    const cap = document.getElementById('bev-cap')!;
    cap.textContent = recorded
      ? 'as recorded by the planner'
      : 'perception/ of this tick (not recorded by the run)';
    cap.title = recorded
      ? 'the BEV the planner recorded as its input at this tick'
      : 'environment transform (perception/) of this tick: forward up, ego-centred; this run did not record its planner input';
  }

  /** The agent under canvas pixel (x, y) (CSS pixels), focusing the view it lies in. */
  pickAt(x: number, y: number): string | undefined {
    const i = Math.min(this.runs.length - 1, Math.floor(x / this.viewRect(0).w));
    const r = this.viewRect(i);
    this.focus = i;
    this.frameWanted = true;
    this.placeCamera(i, r.w / r.h);
    this.camera.updateMatrixWorld();
    this.ndc.set(((x - r.x) / r.w) * 2 - 1, -(y / r.h) * 2 + 1);
    this.raycaster.setFromCamera(this.ndc, this.camera);
    return this.runs[i]!.agents.pick(this.raycaster);
  }

  /** Page coordinates (CSS px) of agent `id` of run i at the current tick, or null if absent. */
  screenOf(i: number, id: string): { x: number; y: number } | null {
    const run = this.runs[i]!;
    const a = run.ticks[run.tick]?.agents.find((q) => q.id === id);
    if (!a) return null;
    return this.screenOfPoint(i, a.x, a.y, 0.8);
  }

  /** Page coordinates (CSS px) of map point (x, y, z) in view i with its current camera. */
  screenOfPoint(i: number, x: number, y: number, z = 0): { x: number; y: number } {
    const r = this.viewRect(i);
    this.placeCamera(i, r.w / r.h);
    this.camera.updateMatrixWorld();
    mapToThree(x, y, z, this.v).project(this.camera);
    const box = this.renderer.domElement.getBoundingClientRect();
    return { x: box.left + r.x + ((this.v.x + 1) / 2) * r.w, y: box.top + ((1 - this.v.y) / 2) * r.h };
  }

  /**
   * Renders `frames` frames on animation frames while the clock advances one tick per frame, with or
   * without agents, and reports JS time per frame, draw calls per frame and frames per second.
   */
  async bench(frames: number, withAgents: boolean): Promise<BenchResult> {
    this.benchRunning = true;
    this.playing = false;
    for (const r of this.runs) r.agentsEnabled = withAgents;
    const raf = () => new Promise<number>((res) => requestAnimationFrame(res));
    await raf();
    let jsMs = 0;
    let updateMs = 0;
    let calls = 0;
    const t0 = await raf();
    for (let f = 0; f < frames; f++) {
      this.tS = (this.tS + this.dtS) % Math.max(this.dtS, this.durationS);
      jsMs += this.renderFrame();
      updateMs += this.lastUpdateMs;
      calls += this.renderer.info.render.calls;
      await raf();
    }
    const elapsedMs = performance.now() - t0;
    const agents = withAgents ? this.runs.reduce((a, r) => a + (r.ticks[r.tick]?.agents.length ?? 0), 0) : 0;
    for (const r of this.runs) r.agentsEnabled = true;
    this.benchRunning = false;
    return {
      frames,
      agents,
      jsMsPerFrame: jsMs / frames,
      updateMsPerFrame: updateMs / frames,
      drawCalls: calls / frames,
      fps: (1000 * frames) / elapsedMs,
    };
  }

  private connectLive(): void {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as LiveMessage;
      // every message changes what is shown (the newest tick, the timeline, the run's state)
      this.frameWanted = true;
      if (msg.type === 'tick') {
        const run = this.runs[msg.run];
        if (!run) return;
        run.ticks.push(msg.tick);
        run.agents.ensureCapacity(msg.tick.agents.length);
        if (msg.tick.verdict) this.hasSafety[msg.run] = true;
        this.timeline.setEvents(
          this.durationS,
          this.runs.flatMap((r, i) => r.view.events.map((e) => ({ ...e, run: i }))),
          (t) => this.seek(t),
        );
      } else if (msg.type === 'event') {
        this.runs[msg.run]?.view.events.push(msg.event);
        this.refreshEvents();
      } else {
        this.liveState = 'live run ended';
        this.shown.dirty = true;
      }
    };
  }
}
