# Mines EXPECT_NEAR entity-state values from esmini's ScenarioEngine_test.cpp into
# data/esmini/unittest_expectations.json (see data/README.md).
# usage: python3 scripts/mine-esmini-unit-tests.py <esmini checkout @ 77028d83> <out.json>
import re,json,sys,os
root=sys.argv[1]
src=open(os.path.join(root,'EnvironmentSimulator/Unittest/ScenarioEngine_test.cpp')).read()
def entities(xosc):
    t=open(xosc).read()
    ents=re.search(r'<Entities>(.*?)</Entities>',t,re.S)
    return re.findall(r'<ScenarioObject\s+name="([^"]+)"',ents.group(1)) if ents else []
tests=re.split(r'\n(?=TEST\()',src)
out=[];skipped=[]
Q={'GetX':'x','GetY':'y','GetZ':'z','GetH':'h','GetP':'p','GetR':'r'}
for tb in tests:
    m=re.match(r'TEST\((\w+),\s*(\w+)\)',tb)
    if not m: continue
    name=f'{m.group(1)}.{m.group(2)}'
    files=re.findall(r'new ScenarioEngine\("\.\./\.\./\.\./(EnvironmentSimulator/Unittest/xosc/[^"]+)"',tb)
    if len(files)!=1: continue
    f=files[0]
    if not os.path.exists(f'{root}/{f}'): continue
    ents=entities(f'{root}/{f}')
    dtm=re.search(r'double\s+dt\s*=\s*([0-9.]+)\s*;',tb)
    dt=float(dtm.group(1)) if dtm else None
    t=0.0; zero=False; ok=True; vals=[]
    lines=tb.split('\n')
    i=0
    while i<len(lines):
        L=lines[i].strip()
        if L.startswith('//'): i+=1; continue
        w=re.match(r'while\s*\(se->getSimulationTime\(\)\s*<\s*(.+?)\s*-\s*SMALL_NUMBER\)',L)
        if w:
            try: T=eval(w.group(1).replace('dt',repr(dt)))
            except Exception: ok=False; break
            # body must be a single scenario_step(se, dt)
            body=' '.join(x.strip() for x in lines[i+1:i+4])
            if not re.match(r'\{\s*scenario_step\(se,\s*dt\);\s*\}',body) and not re.match(r'scenario_step\(se,\s*dt\);',body): ok=False; break
            while t < T-1e-10: t+=dt
            i+=3 if body.startswith('{') else 2
            continue
        s=re.match(r'scenario_step\(se,\s*([0-9.a-z]+)\);',L)
        if s:
            v=s.group(1)
            if v in ('0.0','0'): 
                if t==0: zero=True
                else: ok=False;break
            elif v=='dt': t+=dt
            else:
                try: t+=float(v)
                except: ok=False;break
            i+=1; continue
        if re.search(r'scenario_step|->step\(|SE_Step|for\s*\(|while',L): ok=False; break
        e=re.match(r'EXPECT_NEAR\((?:GetAngleDifference\()?(?:se->entities_\.|entities->|se->entities_->)object_\[(\d+)\]->(?:pos_\.(Get[XYZHPR])\(\)(?:,\s*([-0-9.eE]+)\))?|(GetSpeed)\(\))\s*,\s*([-0-9.eE]+)\s*,\s*([-0-9.eE]+)\)',L)
        if e:
            idx=int(e.group(1)); q=Q.get(e.group(2),'speed') if e.group(2) else 'speed'
            if e.group(3) is not None: exp=float(e.group(3)); 
            else: exp=float(e.group(5))
            tol=float(e.group(6))
            if e.group(3) is not None and float(e.group(5))!=0: ok=False;break
            if idx>=len(ents): ok=False;break
            vals.append(dict(entity=ents[idx],time_s=round(t,6),quantity=q,expected=exp,tolerance=tol))
        i+=1
    if not vals: continue
    if dt is None and any(v['time_s']>0 for v in vals): skipped.append((name,'no dt')); continue
    for k,v in enumerate(vals):
        out.append(dict(test_source=f'EnvironmentSimulator/Unittest/ScenarioEngine_test.cpp::{name}',scenario=f,
          options=[f'ScenarioEngine C++ API, fixed step dt={dt if dt else 0.1}'+(' (first step dt=0)' if zero else '')],
          entity=v['entity'],time_s=v['time_s'],quantity=v['quantity'],expected=v['expected'],tolerance=v['tolerance'],
          match='angle_diff' if v['quantity'] in 'hpr' else 'abs_diff',source_kind='unit_test_engine_step',partial=not ok))
    if not ok: skipped.append((name,'partial (stopped at unhandled statement)'))
print(len(out), len(set(o['test_source'] for o in out)), file=sys.stderr)
for s in skipped: print('skip',s,file=sys.stderr)
excl={'TrajectoryTest.TestIgnoreHeadingAndInterpolationByOption':'sets the pline_interpolation option',
'ControllerTest.TestLoomingControllerAdvanced':'Looming controller',
'PositionTest.TestPositionMode':'moves the entity through the API',
'PositionTest.TestClosestPosOnPitchedAndRolledRoadsFromXY':'moves the entity through the API',
'RoutingTest.TestRandomRouteAction':'random route',
'PositioningTest.TestElevationMapping':'interactive controller',
'GhostConcept.TestMultipleRestartAtCorrectPosition':'ghost controller'}
keep=[x for x in out if x['test_source'].split('::')[1] not in excl]
for i,x in enumerate(keep):
    x['id']=f'ut-{i+1:04d}'; x.pop('partial',None)
doc={'source':{'repo':'esmini/esmini','commit':'77028d83e6d402de52f7187e5384d1b1c02b7d1f','license':'MPL-2.0',
 'files':['EnvironmentSimulator/Unittest/ScenarioEngine_test.cpp'],
 'how':'EXPECT_NEAR values on entity states (pos_ x y z h p r, GetSpeed) of ScenarioEngine_test.cpp tests that load one EnvironmentSimulator/Unittest/xosc file and only step the engine (scenario_step with a fixed dt, while-loops to a time); a test is read up to its first other statement; time_s is the simulation time after those steps; entity = the ScenarioObject at the object_ index; "first step dt=0" when the test starts with scenario_step(se, 0.0). Mined by scripts/mine-esmini-unit-tests.py; tests that set options, drive controllers or move entities through the API are left out.',
 'left_out':excl,
 'scenario_paths':'relative to an esmini checkout (check-esmini --resources <esmini root>)'},
 'scenario_expectations':keep}
json.dump(doc,open(sys.argv[2],'w'),indent=1)
