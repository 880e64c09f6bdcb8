/**
 * The nuPlan log database and GeoPackage map schema as SQLite DDL, exactly as
 * ../shared/scenarios/nuplan/SCHEMA.md derives it from motional/nuplan-devkit (ORM models,
 * minimal_db_test_utils.py DDL, nuplan_map.py layer names). The generator writes it; the reader
 * checks the columns it needs against it and names the missing one.
 */

/** Log DB tables: name → column DDL (token columns are 8-byte BLOBs, timestamps µs). */
export const NUPLAN_DB_TABLES: Record<string, string[]> = {
  log: [
    'token BLOB NOT NULL PRIMARY KEY',
    'vehicle_name VARCHAR(64)',
    'date VARCHAR(64)',
    'timestamp INTEGER',
    'logfile VARCHAR(64)',
    'location VARCHAR(64)',
    'map_version VARCHAR(64)',
  ],
  ego_pose: [
    'token BLOB NOT NULL PRIMARY KEY',
    'timestamp INTEGER',
    'x FLOAT',
    'y FLOAT',
    'z FLOAT',
    'qw FLOAT',
    'qx FLOAT',
    'qy FLOAT',
    'qz FLOAT',
    'vx FLOAT',
    'vy FLOAT',
    'vz FLOAT',
    'acceleration_x FLOAT',
    'acceleration_y FLOAT',
    'acceleration_z FLOAT',
    'angular_rate_x FLOAT',
    'angular_rate_y FLOAT',
    'angular_rate_z FLOAT',
    'epsg INTEGER',
    'log_token BLOB NOT NULL REFERENCES log(token)',
  ],
  lidar: [
    'token BLOB NOT NULL PRIMARY KEY',
    'log_token BLOB NOT NULL REFERENCES log(token)',
    'channel VARCHAR(64)',
    'model VARCHAR(64)',
    'translation BLOB',
    'rotation BLOB',
  ],
  camera: [
    'token BLOB NOT NULL PRIMARY KEY',
    'log_token BLOB NOT NULL REFERENCES log(token)',
    'channel VARCHAR(64)',
    'model VARCHAR(64)',
    'translation BLOB',
    'rotation BLOB',
    'intrinsic BLOB',
    'distortion BLOB',
    'width FLOAT',
    'height FLOAT',
  ],
  scene: [
    'token BLOB NOT NULL PRIMARY KEY',
    'log_token BLOB NOT NULL REFERENCES log(token)',
    'name TEXT',
    'goal_ego_pose_token BLOB REFERENCES ego_pose(token)',
    'roadblock_ids TEXT',
  ],
  lidar_pc: [
    'token BLOB NOT NULL PRIMARY KEY',
    'next_token BLOB REFERENCES lidar_pc(token)',
    'prev_token BLOB REFERENCES lidar_pc(token)',
    'ego_pose_token BLOB NOT NULL REFERENCES ego_pose(token)',
    'lidar_token BLOB NOT NULL REFERENCES lidar(token)',
    'scene_token BLOB REFERENCES scene(token)',
    'filename VARCHAR(128)',
    'timestamp INTEGER',
  ],
  image: [
    'token BLOB NOT NULL PRIMARY KEY',
    'next_token BLOB REFERENCES image(token)',
    'prev_token BLOB REFERENCES image(token)',
    'ego_pose_token BLOB NOT NULL REFERENCES ego_pose(token)',
    'camera_token BLOB NOT NULL REFERENCES camera(token)',
    'filename_jpg VARCHAR(128)',
    'timestamp INTEGER',
  ],
  category: ['token BLOB NOT NULL PRIMARY KEY', 'name VARCHAR(64)', 'description TEXT'],
  track: [
    'token BLOB NOT NULL PRIMARY KEY',
    'category_token BLOB NOT NULL REFERENCES category(token)',
    'width FLOAT',
    'length FLOAT',
    'height FLOAT',
  ],
  lidar_box: [
    'token BLOB NOT NULL PRIMARY KEY',
    'lidar_pc_token BLOB NOT NULL REFERENCES lidar_pc(token)',
    'track_token BLOB REFERENCES track(token)',
    'next_token BLOB REFERENCES lidar_box(token)',
    'prev_token BLOB REFERENCES lidar_box(token)',
    'x FLOAT',
    'y FLOAT',
    'z FLOAT',
    'width FLOAT',
    'length FLOAT',
    'height FLOAT',
    'vx FLOAT',
    'vy FLOAT',
    'vz FLOAT',
    'yaw FLOAT',
    'confidence FLOAT',
  ],
  scenario_tag: [
    'token BLOB NOT NULL PRIMARY KEY',
    'lidar_pc_token BLOB NOT NULL REFERENCES lidar_pc(token)',
    'type TEXT',
    'agent_track_token BLOB REFERENCES track(token)',
  ],
  traffic_light_status: [
    'token BLOB NOT NULL PRIMARY KEY',
    'lidar_pc_token BLOB NOT NULL REFERENCES lidar_pc(token)',
    'lane_connector_id INTEGER',
    'status VARCHAR(8)',
  ],
};

/** Map vector layers (GeoPackage feature tables): name → attribute columns (fid and geom implied). */
export const NUPLAN_MAP_LAYERS: Record<string, { geometry: string; columns: string[] }> = {
  lanes_polygons: {
    geometry: 'POLYGON',
    columns: [
      'lane_fid INTEGER',
      'lane_group_fid INTEGER',
      'lane_index INTEGER',
      'left_boundary_fid INTEGER',
      'right_boundary_fid INTEGER',
      'speed_limit_mps REAL',
    ],
  },
  lane_connectors: {
    geometry: 'LINESTRING',
    columns: [
      'entry_lane_fid INTEGER',
      'exit_lane_fid INTEGER',
      'lane_group_connector_fid INTEGER',
      'left_boundary_fid INTEGER',
      'right_boundary_fid INTEGER',
      'speed_limit_mps REAL',
      'traffic_light_stop_line_fids TEXT',
    ],
  },
  gen_lane_connectors_scaled_width_polygons: { geometry: 'POLYGON', columns: ['lane_connector_fid INTEGER'] },
  baseline_paths: { geometry: 'LINESTRING', columns: ['lane_fid INTEGER', 'lane_connector_fid INTEGER'] },
  boundaries: { geometry: 'LINESTRING', columns: ['boundary_type_fid INTEGER'] },
  lane_groups_polygons: { geometry: 'POLYGON', columns: [] },
  lane_group_connectors: {
    geometry: 'POLYGON',
    columns: ['from_lane_group_fid INTEGER', 'to_lane_group_fid INTEGER', 'intersection_fid INTEGER'],
  },
  intersections: { geometry: 'POLYGON', columns: [] },
  stop_polygons: { geometry: 'POLYGON', columns: ['stop_polygon_type_fid INTEGER'] },
  crosswalks: { geometry: 'POLYGON', columns: [] },
  walkways: { geometry: 'POLYGON', columns: [] },
  carpark_areas: { geometry: 'POLYGON', columns: [] },
  generic_drivable_areas: { geometry: 'POLYGON', columns: [] },
  road_segments: { geometry: 'POLYGON', columns: [] },
};

/**
 * nuPlan StopLineType (nuplan/common/maps/maps_datatypes.py): PED_CROSSING 0, STOP_SIGN 1,
 * TRAFFIC_LIGHT 2, TURN_STOP 3, YIELD 4, UNKNOWN 5.
 */
export const STOP_LINE_TYPE = {
  PED_CROSSING: 0,
  STOP_SIGN: 1,
  TRAFFIC_LIGHT: 2,
  TURN_STOP: 3,
  YIELD: 4,
  UNKNOWN: 5,
} as const;

/** DB rows are 20 Hz (nuplan_scenario.py database_interval 0.05 s). */
export const DB_INTERVAL_S = 0.05;
