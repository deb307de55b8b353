//! The demo township's geography: a jittered lattice whose cells are the grids (网格),
//! 2×2 or 4×1 blocks of cells are the villages and communities, and whose outer ring is
//! the township boundary. Every polygon is built from the same shared lattice points, so
//! grids and villages tile the township exactly, without gaps or overlaps.
//!
//! Coordinates are WGS 84 degrees (SRID 4326), longitude first, rounded to 1e-7° (about
//! 1 cm) when created so that the WKT sent to PostGIS is exactly what was tested here.

use super::names;
use super::rng::Rng;

/// Cells of the lattice, west to east and south to north.
pub const NX: usize = 8;
pub const NY: usize = 5;
/// The township seat, and the centre stored on the township row.
pub const CENTRE: Point = Point { lon: 120.90, lat: 31.65 };
/// About 9 km × 7 km at 31.65° N (1° of longitude ≈ 94.8 km there, of latitude ≈ 111 km).
const WIDTH_DEG: f64 = 0.0950;
const HEIGHT_DEG: f64 = 0.0631;
const DX: f64 = WIDTH_DEG / NX as f64;
const DY: f64 = HEIGHT_DEG / NY as f64;
/// Lattice coordinates of CENTRE: inside cell (3, 2), away from its edges.
const CENTRE_X: f64 = 3.6;
const CENTRE_Y: f64 = 2.4;
/// Each lattice edge is drawn as this many segments (the extra points are shared too).
const SEGMENTS_PER_EDGE: usize = 3;
/// How close (in degrees, ≈ 0.2 m) a sampled point may come to its polygon's edges.
const MARGIN_DEG: f64 = 2e-6;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

impl Point {
    /// Rounded to 1e-7°, the precision of the WKT.
    pub fn rounded(lon: f64, lat: f64) -> Self {
        Self { lon: round7(lon), lat: round7(lat) }
    }
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// Unjittered position of fractional lattice coordinates (x east, y north, in cells).
pub fn plain(x: f64, y: f64) -> Point {
    Point::rounded(CENTRE.lon + (x - CENTRE_X) * DX, CENTRE.lat + (y - CENTRE_Y) * DY)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VillageKind {
    Village,
    Community,
}

impl VillageKind {
    /// The value of `villages.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Village => "village",
            Self::Community => "community",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoVillage {
    /// 12 digits: the township code, then 0xx for a community or 2xx for a village.
    pub code: String,
    pub name: String,
    pub kind: VillageKind,
    /// Closed, counter-clockwise.
    pub boundary: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoGrid {
    /// Index into `DemoTownship::villages`.
    pub village: usize,
    /// 1-based number of the grid within its village.
    pub number: usize,
    pub code: String,
    pub name: String,
    /// Closed, counter-clockwise.
    pub boundary: Vec<Point>,
    /// Lattice corners south-west, south-east, north-east, north-west, for sampling.
    pub corners: [Point; 4],
}

impl DemoGrid {
    /// Bilinear interpolation of the corners; (0, 0) is south-west, (1, 1) north-east.
    pub fn bilinear(&self, u: f64, v: f64) -> Point {
        let [sw, se, ne, nw] = self.corners;
        let lon = (1.0 - v) * ((1.0 - u) * sw.lon + u * se.lon) + v * ((1.0 - u) * nw.lon + u * ne.lon);
        let lat = (1.0 - v) * ((1.0 - u) * sw.lat + u * se.lat) + v * ((1.0 - u) * nw.lat + u * ne.lat);
        Point::rounded(lon, lat)
    }

    /// A random point strictly inside the grid.
    pub fn random_point(&self, rng: &mut Rng) -> Point {
        for _ in 0..1000 {
            let p = self.bilinear(rng.uniform(0.03, 0.97), rng.uniform(0.03, 0.97));
            if strictly_inside(&self.boundary, p) {
                return p;
            }
        }
        self.bilinear(0.5, 0.5)
    }

    /// A random point strictly inside the grid, scattered around the cell position
    /// (`u`, `v`) with a spread of `spread` cells.
    pub fn point_near(&self, rng: &mut Rng, (u, v): (f64, f64), spread: f64) -> Point {
        for _ in 0..50 {
            let (du, dv) = (rng.normalish() * spread, rng.normalish() * spread);
            let p = self.bilinear(u + du, v + dv);
            if strictly_inside(&self.boundary, p) {
                return p;
            }
        }
        self.random_point(rng)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Road,
    Water,
}

impl LineKind {
    /// The value of `geo_lines.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Road => "road",
            Self::Water => "water",
        }
    }

    /// Its GB/T 13923 feature class (`geo_lines.feature_code`): the township's roads are
    /// village roads, its water courses rivers.
    pub fn feature_code(self) -> &'static str {
        match self {
            Self::Road => "440000",
            Self::Water => "210000",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoLine {
    pub kind: LineKind,
    pub name: String,
    pub points: Vec<Point>,
}

/// Everything about the land: boundary, villages, grids, roads and water.
#[derive(Debug, Clone, PartialEq)]
pub struct Geography {
    /// The township's outer ring, closed and counter-clockwise.
    pub boundary: Vec<Point>,
    pub villages: Vec<DemoVillage>,
    pub grids: Vec<DemoGrid>,
    pub lines: Vec<DemoLine>,
}

/// The jittered lattice: (NX+1)×(NY+1) vertices plus the interior points of every edge.
struct Lattice {
    /// Index `j * (NX + 1) + i`.
    vertices: Vec<Point>,
    /// Interior points of the edge (i, j) → (i+1, j), west to east; index `j * NX + i`.
    horizontal: Vec<Vec<Point>>,
    /// Interior points of the edge (i, j) → (i, j+1), south to north; index `j * (NX + 1) + i`.
    vertical: Vec<Vec<Point>>,
}

impl Lattice {
    fn generate(rng: &mut Rng) -> Self {
        let mut vertices = Vec::with_capacity((NX + 1) * (NY + 1));
        for j in 0..=NY {
            for i in 0..=NX {
                let (on_x_edge, on_y_edge) = (i == 0 || i == NX, j == 0 || j == NY);
                // Interior vertices move freely, boundary vertices only along the boundary,
                // corners not at all.
                let jx = if on_x_edge { 0.0 } else { rng.uniform(-0.15, 0.15) };
                let jy = if on_y_edge { 0.0 } else { rng.uniform(-0.15, 0.15) };
                vertices.push(plain(i as f64 + jx, j as f64 + jy));
            }
        }
        let mut lattice = Self { vertices, horizontal: Vec::new(), vertical: Vec::new() };
        for j in 0..=NY {
            for i in 0..NX {
                let boundary = j == 0 || j == NY;
                let (a, b) = (lattice.vertex(i, j), lattice.vertex(i + 1, j));
                let points = edge_points(rng, a, b, boundary, |p, off| Point::rounded(p.lon, p.lat + off * DY));
                lattice.horizontal.push(points);
            }
        }
        for j in 0..NY {
            for i in 0..=NX {
                let boundary = i == 0 || i == NX;
                let (a, b) = (lattice.vertex(i, j), lattice.vertex(i, j + 1));
                let points = edge_points(rng, a, b, boundary, |p, off| Point::rounded(p.lon + off * DX, p.lat));
                lattice.vertical.push(points);
            }
        }
        lattice
    }

    fn vertex(&self, i: usize, j: usize) -> Point {
        self.vertices[j * (NX + 1) + i]
    }

    /// Pushes `from` and the interior points of the lattice edge to the adjacent `to`, in
    /// travel order; `to` itself is left for the next edge.
    fn push_edge(&self, out: &mut Vec<Point>, from: (usize, usize), to: (usize, usize)) {
        out.push(self.vertex(from.0, from.1));
        let ((i0, j0), (i1, j1)) = (from, to);
        if j0 == j1 {
            let points = &self.horizontal[j0 * NX + i0.min(i1)];
            if i1 > i0 {
                out.extend(points.iter());
            } else {
                out.extend(points.iter().rev());
            }
        } else {
            let points = &self.vertical[j0.min(j1) * (NX + 1) + i0];
            if j1 > j0 {
                out.extend(points.iter());
            } else {
                out.extend(points.iter().rev());
            }
        }
    }

    /// The closed counter-clockwise ring around the cells `i0..i1` × `j0..j1`.
    fn block_ring(&self, i0: usize, j0: usize, i1: usize, j1: usize) -> Vec<Point> {
        let mut ring = Vec::new();
        for i in i0..i1 {
            self.push_edge(&mut ring, (i, j0), (i + 1, j0));
        }
        for j in j0..j1 {
            self.push_edge(&mut ring, (i1, j), (i1, j + 1));
        }
        for i in (i0 + 1..=i1).rev() {
            self.push_edge(&mut ring, (i, j1), (i - 1, j1));
        }
        for j in (j0 + 1..=j1).rev() {
            self.push_edge(&mut ring, (i0, j), (i0, j - 1));
        }
        ring.push(ring[0]);
        ring
    }

    /// The points along the lattice line from vertex `from` to vertex `to` (same row or
    /// column), including both ends.
    fn path(&self, from: (usize, usize), to: (usize, usize)) -> Vec<Point> {
        let mut out = Vec::new();
        let (mut i, mut j) = from;
        while (i, j) != to {
            let next = if j == to.1 {
                (if to.0 > i { i + 1 } else { i - 1 }, j)
            } else {
                (i, if to.1 > j { j + 1 } else { j - 1 })
            };
            self.push_edge(&mut out, (i, j), next);
            (i, j) = next;
        }
        out.push(self.vertex(i, j));
        out
    }
}

/// Interior points of one lattice edge from `a` to `b`: at thirds, shifted a little along
/// the edge and, through `offset`, across it.
fn edge_points(rng: &mut Rng, a: Point, b: Point, boundary: bool, offset: impl Fn(Point, f64) -> Point) -> Vec<Point> {
    let amplitude = if boundary { 0.05 } else { 0.07 };
    (1..SEGMENTS_PER_EDGE)
        .map(|k| {
            let t = k as f64 / SEGMENTS_PER_EDGE as f64 + rng.uniform(-0.04, 0.04);
            let p = Point { lon: a.lon + (b.lon - a.lon) * t, lat: a.lat + (b.lat - a.lat) * t };
            offset(p, rng.uniform(-amplitude, amplitude))
        })
        .collect()
}

/// One village or community: which cells it covers, in lattice cells.
struct Block {
    i0: usize,
    j0: usize,
    width: usize,
    height: usize,
}

/// Villages and communities, in the order of `names::VILLAGES`: communities around the
/// township seat, villages around them, and a strip of two villages along the north.
const BLOCKS: [Block; 10] = [
    Block { i0: 2, j0: 2, width: 2, height: 2 },
    Block { i0: 4, j0: 2, width: 2, height: 2 },
    Block { i0: 2, j0: 0, width: 2, height: 2 },
    Block { i0: 0, j0: 2, width: 2, height: 2 },
    Block { i0: 0, j0: 4, width: 4, height: 1 },
    Block { i0: 4, j0: 4, width: 4, height: 1 },
    Block { i0: 6, j0: 2, width: 2, height: 2 },
    Block { i0: 0, j0: 0, width: 2, height: 2 },
    Block { i0: 4, j0: 0, width: 2, height: 2 },
    Block { i0: 6, j0: 0, width: 2, height: 2 },
];

pub fn generate(seed: u64) -> Geography {
    let mut rng = Rng::stream(seed, "lattice");
    let lattice = Lattice::generate(&mut rng);
    let mut villages = Vec::new();
    let mut grids = Vec::new();
    let (mut communities, mut plain_villages) = (0, 0);
    for (index, (block, village)) in BLOCKS.iter().zip(names::VILLAGES).enumerate() {
        let (name, kind) = village;
        let code = match kind {
            VillageKind::Community => {
                communities += 1;
                format!("{}{:03}", super::TOWNSHIP_CODE, communities)
            }
            VillageKind::Village => {
                plain_villages += 1;
                format!("{}{:03}", super::TOWNSHIP_CODE, 200 + plain_villages)
            }
        };
        let (i1, j1) = (block.i0 + block.width, block.j0 + block.height);
        // Grids numbered from the north-west, row by row.
        for j in (block.j0..j1).rev() {
            for i in block.i0..i1 {
                let number = grids.iter().filter(|g: &&DemoGrid| g.village == index).count() + 1;
                grids.push(DemoGrid {
                    village: index,
                    number,
                    code: format!("{code}-G{number:02}"),
                    name: format!("{name}第{}网格", names::ORDINALS[number - 1]),
                    boundary: lattice.block_ring(i, j, i + 1, j + 1),
                    corners: [
                        lattice.vertex(i, j),
                        lattice.vertex(i + 1, j),
                        lattice.vertex(i + 1, j + 1),
                        lattice.vertex(i, j + 1),
                    ],
                });
            }
        }
        villages.push(DemoVillage {
            code,
            name: name.to_string(),
            kind,
            boundary: lattice.block_ring(block.i0, block.j0, i1, j1),
        });
    }
    Geography { boundary: lattice.block_ring(0, 0, NX, NY), villages, grids, lines: lines(&lattice) }
}

/// Roads follow lattice lines (grid boundaries often are roads) or run straight between
/// points; rivers meander. Through roads and rivers run on past the boundary.
fn lines(lattice: &Lattice) -> Vec<DemoLine> {
    let road = |name: &str, points: Vec<Point>| DemoLine { kind: LineKind::Road, name: name.to_string(), points };
    let water = |name: &str, points: Vec<Point>| DemoLine { kind: LineKind::Water, name: name.to_string(), points };
    let extend = |mut points: Vec<Point>, before: (f64, f64), after: (f64, f64)| {
        let (first, last) = (points[0], points[points.len() - 1]);
        points.insert(0, Point::rounded(first.lon + before.0 * DX, first.lat + before.1 * DY));
        points.push(Point::rounded(last.lon + after.0 * DX, last.lat + after.1 * DY));
        points
    };
    vec![
        road("梅李大道", extend(lattice.path((0, 2), (NX, 2)), (-0.4, 0.0), (0.4, 0.0))),
        road("常浒公路", extend(lattice.path((4, 0), (4, NY)), (0.0, -0.4), (0.0, 0.4))),
        road("人民路", lattice.path((3, 1), (3, 4))),
        road("建设路", lattice.path((1, 3), (6, 3))),
        road("通港路", vec![plain(5.0, -0.3), plain(5.6, 1.5), plain(6.7, 3.2), plain(7.2, 5.3)]),
        road("沿江公路", meander((-0.3, 4.55), (8.3, 4.45), 0.05, 1.0, 0.0, 40)),
        water("常浒河", meander((5.45, -0.3), (5.25, 5.3), 0.22, 2.2, 0.4, 90)),
        water("盐铁塘", meander((-0.3, 1.35), (8.3, 1.7), 0.16, 3.1, 1.3, 110)),
        water("白茆塘", meander((3.2, -0.3), (8.3, 2.6), 0.14, 2.4, 2.1, 80)),
        water("梅李塘", meander((0.4, 3.4), (3.7, 5.3), 0.12, 1.8, 0.9, 50)),
    ]
}

/// A gently meandering line between lattice coordinates: a sine wave across the
/// straight line, `waves` periods long, plus a smaller third harmonic.
fn meander(from: (f64, f64), to: (f64, f64), amplitude: f64, waves: f64, phase: f64, n: usize) -> Vec<Point> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = sqrt(dx * dx + dy * dy);
    let (nx, ny) = (-dy / length, dx / length);
    (0..=n)
        .map(|k| {
            let t = k as f64 / n as f64;
            let angle = 2.0 * std::f64::consts::PI * waves * t + phase;
            let off = amplitude * (sin(angle) + 0.3 * sin(3.0 * angle + 1.0));
            plain(from.0 + dx * t + nx * off, from.1 + dy * t + ny * off)
        })
        .collect()
}

/// Sine by a Taylor series: exactly rounded operations only, so identical everywhere.
fn sin(x: f64) -> f64 {
    use std::f64::consts::PI;
    let mut x = x - 2.0 * PI * (x / (2.0 * PI)).round();
    if x > PI / 2.0 {
        x = PI - x;
    } else if x < -PI / 2.0 {
        x = -PI - x;
    }
    let (x2, mut term, mut sum) = (x * x, x, x);
    for k in 1..10 {
        term = -term * x2 / ((2 * k) as f64 * (2 * k + 1) as f64);
        sum += term;
    }
    sum
}

/// Square root (IEEE 754 requires it exactly rounded, so it is deterministic).
fn sqrt(x: f64) -> f64 {
    x.sqrt()
}

/// Whether `p` lies inside the closed ring (even-odd rule); points on an edge may go
/// either way, see [`strictly_inside`].
pub fn contains(ring: &[Point], p: Point) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.lat > p.lat) != (b.lat > p.lat) {
            let lon = a.lon + (p.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
            if p.lon < lon {
                inside = !inside;
            }
        }
    }
    inside
}

/// Inside the ring and at least [`MARGIN_DEG`] away from every edge, so no rounding can
/// put it outside.
pub fn strictly_inside(ring: &[Point], p: Point) -> bool {
    contains(ring, p) && ring.windows(2).all(|w| distance2_to_segment(p, w[0], w[1]) > MARGIN_DEG * MARGIN_DEG)
}

fn distance2_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (vx, vy) = (b.lon - a.lon, b.lat - a.lat);
    let (wx, wy) = (p.lon - a.lon, p.lat - a.lat);
    let len2 = vx * vx + vy * vy;
    let t = if len2 > 0.0 { ((wx * vx + wy * vy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (ex, ey) = (wx - t * vx, wy - t * vy);
    ex * ex + ey * ey
}

/// Signed area (shoelace, relative to the first point for precision), positive for a
/// counter-clockwise ring; in square degrees.
pub fn ring_area(ring: &[Point]) -> f64 {
    let o = ring[0];
    ring.windows(2)
        .map(|w| {
            let (ax, ay) = (w[0].lon - o.lon, w[0].lat - o.lat);
            let (bx, by) = (w[1].lon - o.lon, w[1].lat - o.lat);
            ax * by - bx * ay
        })
        .sum::<f64>()
        / 2.0
}

fn coordinates(points: &[Point]) -> String {
    points.iter().map(|p| format!("{:.7} {:.7}", p.lon, p.lat)).collect::<Vec<_>>().join(",")
}

pub fn polygon_wkt(ring: &[Point]) -> String {
    format!("POLYGON(({}))", coordinates(ring))
}

pub fn multipolygon_wkt(ring: &[Point]) -> String {
    format!("MULTIPOLYGON((({})))", coordinates(ring))
}

pub fn linestring_wkt(points: &[Point]) -> String {
    format!("LINESTRING({})", coordinates(points))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn key(p: Point) -> (u64, u64) {
        (p.lon.to_bits(), p.lat.to_bits())
    }

    fn directed_edges(ring: &[Point]) -> Vec<((u64, u64), (u64, u64))> {
        ring.windows(2).map(|w| (key(w[0]), key(w[1]))).collect()
    }

    /// Segments a-b and c-d properly cross or touch (collinear overlap included).
    fn segments_meet(a: Point, b: Point, c: Point, d: Point) -> bool {
        let orient = |p: Point, q: Point, r: Point| {
            let v = (q.lon - p.lon) * (r.lat - p.lat) - (q.lat - p.lat) * (r.lon - p.lon);
            if v > 0.0 {
                1
            } else if v < 0.0 {
                -1
            } else {
                0
            }
        };
        let on = |p: Point, q: Point, r: Point| {
            r.lon >= p.lon.min(q.lon)
                && r.lon <= p.lon.max(q.lon)
                && r.lat >= p.lat.min(q.lat)
                && r.lat <= p.lat.max(q.lat)
        };
        let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
        (o1 != o2 && o3 != o4)
            || (o1 == 0 && on(a, b, c))
            || (o2 == 0 && on(a, b, d))
            || (o3 == 0 && on(c, d, a))
            || (o4 == 0 && on(c, d, b))
    }

    /// Closed, counter-clockwise, no repeated points, no two non-adjacent edges meeting.
    fn assert_simple_ccw(ring: &[Point], what: &str) {
        assert!(ring.len() >= 4, "{what}");
        assert_eq!(ring[0], ring[ring.len() - 1], "{what} not closed");
        assert!(ring_area(ring) > 0.0, "{what} not counter-clockwise");
        let n = ring.len() - 1;
        for i in 0..n {
            for k in i + 1..n {
                let adjacent = k == i + 1 || (i == 0 && k == n - 1);
                if !adjacent {
                    assert!(
                        !segments_meet(ring[i], ring[i + 1], ring[k], ring[k + 1]),
                        "{what}: edges {i} and {k} meet"
                    );
                }
            }
        }
    }

    /// Each directed edge of the parts appears once; its reverse appears in exactly one
    /// other part, or else the edge is on the outer ring, in the same direction.
    fn assert_tiles(parts: &[&Vec<Point>], outer: &[Point]) {
        let mut count: HashMap<_, usize> = HashMap::new();
        for part in parts {
            for e in directed_edges(part) {
                *count.entry(e).or_default() += 1;
            }
        }
        let outer_edges: HashMap<_, usize> = directed_edges(outer).into_iter().map(|e| (e, 1)).collect();
        let mut on_boundary = 0;
        for (&(a, b), &n) in &count {
            assert_eq!(n, 1, "edge repeated");
            if count.contains_key(&(b, a)) {
                assert!(!outer_edges.contains_key(&(a, b)));
            } else {
                assert!(outer_edges.contains_key(&(a, b)), "dangling edge");
                on_boundary += 1;
            }
        }
        assert_eq!(on_boundary, outer_edges.len(), "outer ring not covered");
        let sum: f64 = parts.iter().map(|p| ring_area(p)).sum();
        let total = ring_area(outer);
        assert!(((sum - total) / total).abs() < 1e-9, "areas {sum} vs {total}");
    }

    #[test]
    fn grids_and_villages_tile_the_township() {
        let geo = generate(20241107);
        assert_simple_ccw(&geo.boundary, "township");
        for g in &geo.grids {
            assert_simple_ccw(&g.boundary, &g.name);
        }
        for v in &geo.villages {
            assert_simple_ccw(&v.boundary, &v.name);
        }
        assert_tiles(&geo.grids.iter().map(|g| &g.boundary).collect::<Vec<_>>(), &geo.boundary);
        assert_tiles(&geo.villages.iter().map(|v| &v.boundary).collect::<Vec<_>>(), &geo.boundary);
        for (index, v) in geo.villages.iter().enumerate() {
            let grids: Vec<_> = geo.grids.iter().filter(|g| g.village == index).map(|g| &g.boundary).collect();
            assert_eq!(grids.len(), 4, "{}", v.name);
            assert_tiles(&grids, &v.boundary);
        }
    }

    #[test]
    fn size_and_centre() {
        let geo = generate(7);
        // 1° of longitude at 31.65° N ≈ 94.8 km, of latitude ≈ 110.9 km.
        let km2 = ring_area(&geo.boundary) * 94.8 * 110.9;
        assert!((55.0..70.0).contains(&km2), "{km2} km²");
        assert!(strictly_inside(&geo.boundary, CENTRE));
        let holders: Vec<_> = geo.grids.iter().filter(|g| strictly_inside(&g.boundary, CENTRE)).collect();
        assert_eq!(holders.len(), 1);
        assert_eq!(geo.villages[holders[0].village].kind, VillageKind::Community);
    }

    #[test]
    fn codes_and_names() {
        let geo = generate(1);
        assert_eq!(geo.villages.len(), 10);
        assert_eq!(geo.grids.len(), 40);
        assert_eq!(geo.villages.iter().filter(|v| v.kind == VillageKind::Community).count(), 3);
        assert_eq!(geo.villages[0].code, "320581115001");
        assert_eq!(geo.villages[3].code, "320581115201");
        assert_eq!(geo.grids[0].code, "320581115001-G01");
        assert_eq!(geo.grids[0].name, "梅里社区第一网格");
        assert_eq!(geo.grids[39].name, "顾家浜村第四网格");
    }

    #[test]
    fn lines_cross_the_township() {
        let geo = generate(20241107);
        assert_eq!(geo.lines.iter().filter(|l| l.kind == LineKind::Road).count(), 6);
        assert_eq!(geo.lines.iter().filter(|l| l.kind == LineKind::Water).count(), 4);
        for line in &geo.lines {
            let inside = line.points.iter().filter(|&&p| contains(&geo.boundary, p)).count();
            assert!(inside * 2 >= line.points.len(), "{} mostly outside", line.name);
        }
    }

    #[test]
    fn sine_is_accurate() {
        for k in -100..100 {
            let x = k as f64 * 0.173;
            assert!((sin(x) - x.sin()).abs() < 1e-13, "{x}");
        }
    }

    #[test]
    fn wkt() {
        let ring = vec![
            Point::rounded(120.9, 31.6),
            Point::rounded(121.0, 31.6),
            Point::rounded(120.9, 31.7),
            Point::rounded(120.9, 31.6),
        ];
        assert_eq!(
            polygon_wkt(&ring),
            "POLYGON((120.9000000 31.6000000,121.0000000 31.6000000,120.9000000 31.7000000,120.9000000 31.6000000))"
        );
        assert!(multipolygon_wkt(&ring).starts_with("MULTIPOLYGON(((120.9000000 31.6"));
    }
}
