#!/usr/bin/env python3
"""A simulated vehicle on the ROS side of the bridge tests and bench (rospy, ROS 1).

Plays what a real vehicle's stack would publish and integrates what edgeplan sends back:
  out: nav_msgs/Odometry on /odom (frame map, stamped with the wall clock) at --rate Hz,
       vision_msgs/Detection3DArray on /objects (a lead vehicle driving at constant speed),
       with --tf: tf2_msgs/TFMessage on /tf instead (odom -> base_link every period, map -> odom
       = --map-odom x,y,yaw every 10th, and a base_link -> laser distractor; base_link -> imu
       latched on /tf_static), and no /odom unless --odom too,
  in:  ackermann_msgs/AckermannDriveStamped (--profile car: kinematic bicycle, signed
       acceleration, speed floored at 0) or geometry_msgs/Twist (--profile robot: unicycle).
The motion is integrated over the wall time that really passed between loop turns, and each
message is stamped when it is sent: pose and stamp agree, as on a real robot.
The vehicle keeps executing the last control it got (no timeout of its own): what stops it is
edgeplan's watchdog. Each control's stamp echoes the odometry it was computed from, so the node
measures odometry-out -> control-in latency.

stdin: "pause" (stop publishing odometry and objects; motion goes on), "resume", "quit".
stdout: one JSON line per report (every 0.25 s) and per event.
"""
import argparse
import json
import math
import sys
import threading
import time

import rospy
from nav_msgs.msg import Odometry

p = argparse.ArgumentParser()
p.add_argument('--profile', default='car')
p.add_argument('--x', type=float, default=0.0)
p.add_argument('--y', type=float, default=0.0)
p.add_argument('--heading', type=float, default=0.0)
p.add_argument('--speed', type=float, default=0.0)
p.add_argument('--rate', type=float, default=20.0)
p.add_argument('--wheelbase', type=float, default=3.089)
p.add_argument('--lead', default='', help='x,y,heading,speed,length,width of a lead vehicle')
p.add_argument('--control-topic', default='')
p.add_argument('--tf', action='store_true', help='publish the pose as tf (map -> odom -> base_link)')
p.add_argument('--odom', action='store_true', help='with --tf: publish /odom as well')
p.add_argument('--map-odom', default='3,-2,0.3', help='x,y,yaw of the odom frame in the map (--tf)')
args = p.parse_args()

rospy.init_node('edgeplan_test_vehicle', anonymous=True, disable_signals=True)
lock = threading.Lock()
st = {'x': args.x, 'y': args.y, 'h': args.heading, 'v': args.speed, 'steer': 0.0, 'omega': 0.0,
      'accel': 0.0, 'vcmd': 0.0, 'controls': 0, 'paused': False, 'lat': [], 'min_gap': 1e9,
      'after_resume': 0, 'last_control_v': None}
sent = {}


def emit(d):
    sys.stdout.write(json.dumps(d) + '\n')
    sys.stdout.flush()


def stamp_key(stamp):
    return (stamp.secs, stamp.nsecs)


def on_control(msg, kind):
    now = time.time()
    with lock:
        if kind == 'ackermann':
            st['accel'] = msg.drive.acceleration
            st['steer'] = msg.drive.steering_angle
            key = stamp_key(msg.header.stamp)
            st['last_control_v'] = msg.drive.acceleration
        else:
            st['vcmd'] = msg.linear.x
            st['omega'] = msg.angular.z
            key = None
            st['last_control_v'] = msg.linear.x
        st['controls'] += 1
        if key is not None and key in sent:
            st['lat'].append((now - sent.pop(key)) * 1000.0)


if args.profile == 'car':
    from ackermann_msgs.msg import AckermannDriveStamped
    rospy.Subscriber(args.control_topic or '/control/command/ackermann', AckermannDriveStamped,
                     lambda m: on_control(m, 'ackermann'), queue_size=1, tcp_nodelay=True)
else:
    from geometry_msgs.msg import Twist
    rospy.Subscriber(args.control_topic or '/cmd_vel', Twist, lambda m: on_control(m, 'twist'),
                     queue_size=1, tcp_nodelay=True)

odom_pub = rospy.Publisher('/odom', Odometry, queue_size=1, tcp_nodelay=True)
publish_odom = (not args.tf) or args.odom
tf_pub = None
if args.tf:
    from geometry_msgs.msg import TransformStamped
    from tf2_msgs.msg import TFMessage
    tf_pub = rospy.Publisher('/tf', TFMessage, queue_size=10, tcp_nodelay=True)
    tf_static_pub = rospy.Publisher('/tf_static', TFMessage, queue_size=1, latch=True)
    mo = [float(v) for v in args.map_odom.split(',')]

    def transform(parent, child, stamp, x, y, yaw):
        t = TransformStamped()
        t.header.stamp = stamp
        t.header.frame_id = parent
        t.child_frame_id = child
        t.transform.translation.x = x
        t.transform.translation.y = y
        t.transform.rotation.z = math.sin(yaw / 2)
        t.transform.rotation.w = math.cos(yaw / 2)
        return t

    tf_static_pub.publish(TFMessage([transform('base_link', 'imu', rospy.Time.now(), 0.2, 0.0, 0.0)]))
tick = 0
lead = [float(v) for v in args.lead.split(',')] if args.lead else None
det_pub = None
if lead:
    from vision_msgs.msg import BoundingBox3D, Detection3D, Detection3DArray, ObjectHypothesisWithPose
    det_pub = rospy.Publisher('/objects', Detection3DArray, queue_size=1, tcp_nodelay=True)


def stdin_loop():
    for line in sys.stdin:
        cmd = line.strip()
        with lock:
            if cmd == 'pause':
                st['paused'] = True
            elif cmd == 'resume':
                st['paused'] = False
        if cmd == 'quit':
            rospy.signal_shutdown('quit')
            return
        emit({'event': cmd})


threading.Thread(target=stdin_loop, daemon=True).start()

period = 1.0 / args.rate
next_t = time.time()
last_step = next_t
last_report = 0.0
emit({'event': 'ready'})
while not rospy.is_shutdown():
    # integrate over the time that really passed (a loaded machine runs the loop late): the pose
    # published below is the pose at its stamp, as a real robot's odometry is
    t_step = time.time()
    dt = max(t_step - last_step, 0.0)
    last_step = t_step
    with lock:
        # integrate with the last control received
        if args.profile == 'car':
            st['v'] = max(0.0, st['v'] + st['accel'] * dt)
            st['h'] += st['v'] / args.wheelbase * math.tan(st['steer']) * dt
        else:
            st['v'] = max(-0.5, st['vcmd'])
            st['h'] += st['omega'] * dt
        st['x'] += st['v'] * math.cos(st['h']) * dt
        st['y'] += st['v'] * math.sin(st['h']) * dt
        if lead:
            lead[0] += lead[3] * math.cos(lead[2]) * dt
            lead[1] += lead[3] * math.sin(lead[2]) * dt
            gap = math.hypot(lead[0] - st['x'], lead[1] - st['y'])
            st['min_gap'] = min(st['min_gap'], gap)
        paused = st['paused']
        x, y, h, v = st['x'], st['y'], st['h'], st['v']
    if not paused:
        now = rospy.Time.now()
        o = Odometry()
        o.header.stamp = now
        o.header.frame_id = 'map'
        o.child_frame_id = 'base_link'
        o.pose.pose.position.x = x
        o.pose.pose.position.y = y
        o.pose.pose.orientation.z = math.sin(h / 2)
        o.pose.pose.orientation.w = math.cos(h / 2)
        o.twist.twist.linear.x = v
        with lock:
            sent[stamp_key(now)] = time.time()
            if len(sent) > 200:
                for k in sorted(sent)[:100]:
                    sent.pop(k)
        if publish_odom:
            odom_pub.publish(o)
        if tf_pub is not None:
            # the vehicle's map pose in the odom frame: odom_T_base = inverse(map_T_odom) * map_T_base
            c, s_ = math.cos(mo[2]), math.sin(mo[2])
            dx, dy = x - mo[0], y - mo[1]
            ts = [transform('odom', 'base_link', now, c * dx + s_ * dy, -s_ * dx + c * dy, h - mo[2]),
                  transform('base_link', 'laser', now, 0.3, 0.0, 0.0)]
            if tick % 10 == 0:
                ts.append(transform('map', 'odom', now, mo[0], mo[1], mo[2]))
            tf_pub.publish(TFMessage(ts))
        tick += 1
        if det_pub is not None:
            a = Detection3DArray()
            a.header.stamp = now
            a.header.frame_id = 'map'
            d = Detection3D()
            d.header = a.header
            d.id = 'lead'
            hyp = ObjectHypothesisWithPose()
            hyp.id = 0
            hyp.score = 0.9
            d.results.append(hyp)
            d.bbox.center.position.x = lead[0]
            d.bbox.center.position.y = lead[1]
            d.bbox.center.orientation.z = math.sin(lead[2] / 2)
            d.bbox.center.orientation.w = math.cos(lead[2] / 2)
            d.bbox.size.x = lead[4]
            d.bbox.size.y = lead[5]
            d.bbox.size.z = 1.5
            a.detections.append(d)
            det_pub.publish(a)
    t = time.time()
    if t - last_report >= 0.25:
        last_report = t
        with lock:
            lat = st['lat']
            st['lat'] = []
            emit({'t': t, 'x': st['x'], 'y': st['y'], 'h': st['h'], 'v': st['v'],
                  'controls': st['controls'], 'paused': st['paused'], 'minGap': st['min_gap'],
                  'lastControl': st['last_control_v'], 'latMs': lat})
    # the next period from now when late (no burst of catch-up messages with bunched stamps)
    next_t = max(next_t + period, time.time())
    time.sleep(max(0.0, next_t - time.time()))
