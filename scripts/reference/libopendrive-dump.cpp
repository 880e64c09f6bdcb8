// Dumps libOpenDRIVE's (pageldev/libOpenDRIVE) reading of an .xodr as JSON, for
// scripts/compare-libopendrive.ts: per road its length, sampled reference-line points
// (s, x, y, hdg) and per lane section / lane the type and, at sampled s, the width, the outer
// border's t, its plan-view point (reference point + t along the plan-view normal: checks t
// without superelevation) and its surface point (Road::get_xyz(s, t, 0): elevation and
// superelevation applied; our RoadMap lays lanes out at its x, y).
// Build: scripts/reference/build-libopendrive-dump.sh. Usage: libopendrive-dump FILE.xodr [stepM]
#include "OpenDriveMap.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

namespace
{
std::string jsonStr(const std::string& s)
{
    std::string o = "\"";
    for (const char c : s)
    {
        if (c == '"' || c == '\\')
            o += '\\';
        if (static_cast<unsigned char>(c) < 0x20)
            continue;
        o += c;
    }
    return o + "\"";
}

std::string num(double v)
{
    if (!std::isfinite(v))
        return "null";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// Samples in [s0, s1]: every stepM from s0, and s1 less 1e-7 m (the section's last point, still
// inside it: a record starting at s1 belongs to the next section; a quarter of a shorter section).
std::vector<double> samples(double s0, double s1, double stepM)
{
    std::vector<double> out;
    for (double s = s0; s < s1 - 1e-6; s += stepM)
        out.push_back(s);
    if (s1 > s0)
        out.push_back(s1 - std::min(1e-7, (s1 - s0) / 4));
    return out;
}
} // namespace

int main(int argc, char** argv)
{
    if (argc < 2)
    {
        std::fprintf(stderr, "usage: %s FILE.xodr [stepM]\n", argv[0]);
        return 2;
    }
    const double stepM = argc > 2 ? std::atof(argv[2]) : 1.0;
    // center_map off (keep the file's coordinates), objects and signals off (not compared),
    // lateral profile and lane height on (the defaults), spiral edge-case fix on (the default).
    odr::OpenDriveMap map(argv[1], false, false, true, true, false, true, false);

    std::string o = "{\"file\":" + jsonStr(argv[1]) + ",\"roads\":[";
    bool firstRoad = true;
    for (const auto& [roadId, road] : map.id_to_road)
    {
        o += firstRoad ? "" : ",";
        firstRoad = false;
        o += "{\"id\":" + jsonStr(roadId) + ",\"length\":" + num(road.length) + ",\"junction\":" + jsonStr(road.junction) + ",\"ref\":[";
        bool first = true;
        // libOpenDRIVE throws where it cannot evaluate (a paramPoly3 asked beyond its table: a plan
        // view shorter than the road); such samples are left out and counted in "unevaluated".
        int unevaluated = 0;
        for (const double s : samples(0, road.length, stepM))
        {
            odr::Vec3D p, d;
            try
            {
                p = road.ref_line.get_xyz(s);
                d = road.ref_line.derivative(s);
            }
            catch (const std::exception&)
            {
                unevaluated++;
                continue;
            }
            o += first ? "" : ",";
            first = false;
            o += "[" + num(s) + "," + num(p[0]) + "," + num(p[1]) + "," + num(std::atan2(d[1], d[0])) + "," + num(p[2]) + "]";
        }
        o += "],\"sections\":[";
        bool firstSec = true;
        for (const auto& [s0, sec] : road.s_to_lanesection)
        {
            const double s1 = road.get_lanesection_end(sec);
            o += firstSec ? "" : ",";
            firstSec = false;
            o += "{\"s0\":" + num(s0) + ",\"s1\":" + num(s1) + ",\"lanes\":[";
            bool firstLane = true;
            const std::vector<double> ss = samples(s0, s1, stepM);
            for (const auto& [laneId, lane] : sec.id_to_lane)
            {
                o += firstLane ? "" : ",";
                firstLane = false;
                o += "{\"id\":" + std::to_string(laneId) + ",\"type\":" + jsonStr(lane.type) + ",\"samples\":[";
                bool firstS = true;
                for (const double s : ss)
                {
                    const double t = lane.outer_border.evaluate(s);
                    const double w = laneId == 0 ? 0.0 : lane.lane_width.evaluate(s);
                    odr::Vec3D   p, d, q;
                    try
                    {
                        p = road.ref_line.get_xyz(s);
                        d = road.ref_line.derivative(s);
                        q = road.get_xyz(s, t, 0);
                    }
                    catch (const std::exception&)
                    {
                        unevaluated++;
                        continue;
                    }
                    const double h = std::atan2(d[1], d[0]);
                    o += firstS ? "" : ",";
                    firstS = false;
                    o += "[" + num(s) + "," + num(w) + "," + num(t) + "," + num(p[0] - t * std::sin(h)) + "," + num(p[1] + t * std::cos(h)) + "," +
                         num(q[0]) + "," + num(q[1]) + "," + num(q[2]) + "]";
                }
                o += "]}";
            }
            o += "]}";
        }
        o += "],\"unevaluated\":" + std::to_string(unevaluated) + "}";
    }
    // Lane successors of libOpenDRIVE's routing graph (OpenDriveMap::get_routing_graph: lane links
    // inside roads and over road links, right lanes along the reference line, left lanes against
    // it; junction lane links incoming -> connecting), as [road, s0, lane, road, s0, lane].
    o += "],\"edges\":[";
    bool firstEdge = true;
    for (const odr::RoutingGraphEdge& e : map.get_routing_graph().edges)
    {
        o += firstEdge ? "" : ",";
        firstEdge = false;
        o += "[" + jsonStr(e.from.road_id) + "," + num(e.from.lanesection_s0) + "," + std::to_string(e.from.lane_id) + "," + jsonStr(e.to.road_id) +
             "," + num(e.to.lanesection_s0) + "," + std::to_string(e.to.lane_id) + "]";
    }
    o += "]}\n";
    std::fputs(o.c_str(), stdout);
    return 0;
}
