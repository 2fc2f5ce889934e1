//! Union and intersection of regions bounded by great-circle edges: what
//! `geo_union_polygons_array`, `geo_intersection_2polygons` and `geo_intersects_2polygons`
//! compute, and how a multipolygon becomes one region.
//!
//! Every edge is split where it crosses or touches the other region's boundary; each piece
//! is kept or dropped by where it lies (inside, outside, or along a boundary piece of the
//! other region, in the same or the opposite direction), and the kept pieces are joined
//! into loops. The loops are assembled the way the S2 library's builder assembles them, as
//! Kusto's outputs show: vertices are numbered in S2 cell-id order, loops are followed from
//! the lowest-numbered edge taking the leftmost turn at shared vertices, and each loop is
//! rotated so that the piece of the highest-numbered input edge comes last; a union of many
//! regions merges the two with fewest vertices first. That reproduces the documented
//! vertex order, not only the shape.
//!
//! Intersections follow the closed model: regions touching at a point give that point, and
//! regions touching along an edge give that line.

use super::s2::CellId;
use super::vector::{self, Crossing, V3};
use std::collections::{BTreeMap, HashMap};

/// How far (radians, about 0.6 µm on Earth) a vertex may be from an edge and still be taken
/// as lying on it.
const ON_EDGE: f64 = 1e-13;

/// A region of the sphere: loops with the interior on their left (shells
/// counter-clockwise, holes clockwise).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Region {
    pub loops: Vec<Vec<V3>>,
}

impl Region {
    pub fn num_vertices(&self) -> usize {
        self.loops.iter().map(Vec::len).sum()
    }

    /// Each edge with its input id (its position among the region's edges).
    fn edges(&self, first_id: usize) -> Vec<Piece> {
        let mut out = Vec::with_capacity(self.num_vertices());
        for l in &self.loops {
            let n = l.len();
            for (k, a) in l.iter().enumerate() {
                if let Some(b) = l.get((k + 1) % n) {
                    out.push(Piece {
                        a: *a,
                        b: *b,
                        id: first_id + out.len(),
                    });
                }
            }
        }
        out
    }

    /// Whether the region holds point `x`: its loops wind around `x` once.
    pub fn contains(&self, x: V3) -> bool {
        winding(&self.loops, x) > 0.5
    }
}

/// How many times the loops wind counter-clockwise around `x`.
pub fn winding(loops: &[Vec<V3>], x: V3) -> f64 {
    let mut total = 0.0;
    for l in loops {
        let n = l.len();
        for (k, a) in l.iter().enumerate() {
            if let Some(b) = l.get((k + 1) % n) {
                let sin = x.dot(a.cross(*b));
                let cos = a.dot(*b) - x.dot(*a) * x.dot(*b);
                total += sin.atan2(cos);
            }
        }
    }
    total / std::f64::consts::TAU
}

#[derive(Debug, Clone, Copy)]
struct Piece {
    a: V3,
    b: V3,
    id: usize,
}

/// The result of an operation: isolated points, lines, and the region.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub points: Vec<V3>,
    pub lines: Vec<Vec<V3>>,
    pub region: Region,
}

fn key(p: V3) -> [u64; 3] {
    [p.x.to_bits(), p.y.to_bits(), p.z.to_bits()]
}

/// Splits the edges of `a` and `b` where they cross or where a vertex of one lies on an
/// edge of the other.
fn split(a: &[Piece], b: &[Piece]) -> (Vec<Piece>, Vec<Piece>) {
    let mut cuts_a: Vec<Vec<V3>> = vec![Vec::new(); a.len()];
    let mut cuts_b: Vec<Vec<V3>> = vec![Vec::new(); b.len()];
    let boxes_b: Vec<[f64; 6]> = b.iter().map(|f| bounds(f.a, f.b)).collect();
    for (i, e) in a.iter().enumerate() {
        let box_e = bounds(e.a, e.b);
        for (k, (f, box_f)) in b.iter().zip(&boxes_b).enumerate() {
            if !overlap(&box_e, box_f) {
                continue;
            }
            if vector::crossing(e.a, e.b, f.a, f.b) == Crossing::Proper {
                let x = vector::intersection(e.a, e.b, f.a, f.b);
                if let Some(c) = cuts_a.get_mut(i) {
                    c.push(x);
                }
                if let Some(c) = cuts_b.get_mut(k) {
                    c.push(x);
                }
                continue;
            }
            for v in [f.a, f.b] {
                if vector::on_edge(v, e.a, e.b, ON_EDGE)
                    && let Some(c) = cuts_a.get_mut(i)
                {
                    c.push(v);
                }
            }
            for v in [e.a, e.b] {
                if vector::on_edge(v, f.a, f.b, ON_EDGE)
                    && let Some(c) = cuts_b.get_mut(k)
                {
                    c.push(v);
                }
            }
        }
    }
    (pieces(a, cuts_a), pieces(b, cuts_b))
}

/// A box holding the arc `ab`: its ends' coordinate ranges widened by how far the arc
/// bulges from its chord (at most θ²/8 for an arc of θ radians), plus the on-edge
/// tolerance. Edges whose boxes miss each other can neither cross nor touch.
fn bounds(a: V3, b: V3) -> [f64; 6] {
    let theta = a.angle(b);
    let pad = theta * theta / 8.0 + 2.0 * ON_EDGE + 1e-15;
    [
        a.x.min(b.x) - pad,
        a.x.max(b.x) + pad,
        a.y.min(b.y) - pad,
        a.y.max(b.y) + pad,
        a.z.min(b.z) - pad,
        a.z.max(b.z) + pad,
    ]
}

fn overlap(p: &[f64; 6], q: &[f64; 6]) -> bool {
    p[0] <= q[1] && q[0] <= p[1] && p[2] <= q[3] && q[2] <= p[3] && p[4] <= q[5] && q[4] <= p[5]
}

fn pieces(edges: &[Piece], cuts: Vec<Vec<V3>>) -> Vec<Piece> {
    let mut out = Vec::with_capacity(edges.len());
    for (e, mut c) in edges.iter().zip(cuts) {
        c.sort_by(|p, q| e.a.angle(*p).total_cmp(&e.a.angle(*q)));
        c.dedup();
        let mut start = e.a;
        for x in c {
            if x != start && x != e.b {
                out.push(Piece {
                    a: start,
                    b: x,
                    id: e.id,
                });
                start = x;
            }
        }
        out.push(Piece {
            a: start,
            b: e.b,
            id: e.id,
        });
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Inside,
    Outside,
    /// Along a piece of the other boundary in the same direction.
    Same,
    /// Along a piece of the other boundary in the opposite direction.
    Opposite,
}

fn places(mine: &[Piece], theirs: &[Piece], other: &Region) -> Vec<Place> {
    let index: HashMap<([u64; 3], [u64; 3]), ()> =
        theirs.iter().map(|p| ((key(p.a), key(p.b)), ())).collect();
    mine.iter()
        .map(|p| {
            if index.contains_key(&(key(p.a), key(p.b))) {
                Place::Same
            } else if index.contains_key(&(key(p.b), key(p.a))) {
                Place::Opposite
            } else if other.contains((p.a + p.b).normalize()) {
                Place::Inside
            } else {
                Place::Outside
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Intersection,
}

fn operate(a: &Region, b: &Region, op: Op) -> Output {
    let ea = a.edges(0);
    let eb = b.edges(ea.len());
    let (pa, pb) = split(&ea, &eb);
    let (place_a, place_b) = (places(&pa, &pb, b), places(&pb, &pa, a));
    let wanted = match op {
        Op::Union => Place::Outside,
        Op::Intersection => Place::Inside,
    };
    let mut kept: Vec<Piece> = Vec::new();
    let mut lines: Vec<Vec<V3>> = Vec::new();
    for (p, place) in pa.iter().zip(&place_a) {
        if *place == wanted || *place == Place::Same {
            kept.push(*p);
        } else if *place == Place::Opposite && op == Op::Intersection {
            lines.push(vec![p.a, p.b]);
        }
    }
    for (p, place) in pb.iter().zip(&place_b) {
        if *place == wanted {
            kept.push(*p);
        }
    }
    let region = assemble(&kept);
    let mut points = Vec::new();
    if op == Op::Intersection {
        let on_output = |x: V3| {
            kept.iter().any(|p| p.a == x || p.b == x) || lines.iter().flatten().any(|v| *v == x)
        };
        for (mine, theirs) in [(&ea, &eb), (&eb, &ea)] {
            for v in mine.iter().map(|p| p.a) {
                let touches = theirs
                    .iter()
                    .any(|f| f.a == v || vector::on_edge(v, f.a, f.b, ON_EDGE));
                if touches && !on_output(v) && !points.contains(&v) {
                    points.push(v);
                }
            }
        }
    }
    Output {
        points,
        lines: join_lines(lines),
        region,
    }
}

/// The union of two regions.
pub fn union(a: &Region, b: &Region) -> Region {
    operate(a, b, Op::Union).region
}

/// The intersection of two regions, with the points and lines where they only touch.
pub fn intersection(a: &Region, b: &Region) -> Output {
    operate(a, b, Op::Intersection)
}

/// Whether two regions share a point (their closed sets meet).
pub fn intersects(a: &Region, b: &Region) -> bool {
    let (ea, eb) = (a.edges(0), b.edges(0));
    let touching = ea.iter().any(|e| {
        eb.iter()
            .any(|f| vector::crossing(e.a, e.b, f.a, f.b) != Crossing::None)
    });
    touching
        || a.loops
            .iter()
            .flatten()
            .next()
            .is_some_and(|v| b.contains(*v))
        || b.loops
            .iter()
            .flatten()
            .next()
            .is_some_and(|v| a.contains(*v))
}

/// The union of many regions, merging the two with fewest vertices first (S2
/// `S2Polygon::DestructiveUnion`), which decides the vertex order of the result.
pub fn union_all(regions: Vec<Region>) -> Region {
    let mut queue: BTreeMap<(usize, usize), Region> = BTreeMap::new();
    for (seq, r) in regions.into_iter().enumerate() {
        queue.insert((r.num_vertices(), seq), r);
    }
    let mut seq = queue.len();
    loop {
        let Some(((na, _), a)) = queue.pop_first() else {
            return Region::default();
        };
        let Some(((nb, _), b)) = queue.pop_first() else {
            return a;
        };
        queue.insert((na + nb, seq), union(&a, &b));
        seq += 1;
    }
}

/// Joins two-point segments that meet end to start into longer lines.
fn join_lines(mut segments: Vec<Vec<V3>>) -> Vec<Vec<V3>> {
    let mut out: Vec<Vec<V3>> = Vec::new();
    while let Some(mut line) = segments.pop() {
        while let Some(pos) = segments
            .iter()
            .position(|s| s.first() == line.last() || s.last() == line.first())
        {
            let s = segments.swap_remove(pos);
            if s.first() == line.last() {
                line.extend(s.into_iter().skip(1));
            } else {
                let mut s = s;
                s.extend(line.into_iter().skip(1));
                line = s;
            }
        }
        out.push(line);
    }
    out
}

/// Joins the kept pieces into loops as S2's builder does (see the module comment), and
/// sorts them into a region.
fn assemble(pieces: &[Piece]) -> Region {
    // Vertices numbered in cell-id order.
    let mut sites: Vec<V3> = pieces.iter().flat_map(|p| [p.a, p.b]).collect();
    sites.sort_by(|p, q| {
        CellId::from_point(*p)
            .cmp(&CellId::from_point(*q))
            .then(p.x.total_cmp(&q.x))
            .then(p.y.total_cmp(&q.y))
            .then(p.z.total_cmp(&q.z))
    });
    sites.dedup();
    let site_of: HashMap<[u64; 3], usize> = sites
        .iter()
        .enumerate()
        .map(|(i, p)| (key(*p), i))
        .collect();
    // Edges as (from, to) → smallest input id; duplicates merge, sibling pairs cancel.
    let mut edges: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for p in pieces {
        let (Some(&u), Some(&v)) = (site_of.get(&key(p.a)), site_of.get(&key(p.b))) else {
            continue;
        };
        if u == v {
            continue;
        }
        let id = edges.get(&(u, v)).map_or(p.id, |old| (*old).min(p.id));
        edges.insert((u, v), id);
    }
    let siblings: Vec<(usize, usize)> = edges
        .keys()
        .filter(|(u, v)| edges.contains_key(&(*v, *u)))
        .copied()
        .collect();
    for s in siblings {
        edges.remove(&s);
    }
    let list: Vec<((usize, usize), usize)> = edges.into_iter().collect();
    let next = left_turns(&list, &sites);
    let loops = directed_loops(&list, &next, sites.len());
    let mut loops: Vec<Vec<V3>> = loops
        .into_iter()
        .map(|l| {
            l.iter()
                .filter_map(|e| list.get(*e).and_then(|((u, _), _)| sites.get(*u)))
                .copied()
                .collect()
        })
        .collect();
    order_loops(&mut loops);
    Region { loops }
}

/// S2's total order of loops (Java `S2Loop.compareTo`): fewer vertices first, then by
/// the vertices read from each loop's smallest one.
fn compare_loops(a: &[V3], b: &[V3]) -> std::cmp::Ordering {
    let cmp = |p: &V3, q: &V3| {
        p.x.total_cmp(&q.x)
            .then(p.y.total_cmp(&q.y))
            .then(p.z.total_cmp(&q.z))
    };
    let first = |l: &[V3]| {
        l.iter()
            .enumerate()
            .min_by(|(_, p), (_, q)| cmp(p, q))
            .map_or(0, |(i, _)| i)
    };
    a.len().cmp(&b.len()).then_with(|| {
        let (fa, fb) = (first(a), first(b));
        let ra = a.iter().cycle().skip(fa).take(a.len());
        let rb = b.iter().cycle().skip(fb).take(b.len());
        ra.zip(rb)
            .map(|(p, q)| cmp(p, q))
            .find(|c| c.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

/// Puts loops in the order an S2 polygon keeps them: shells sorted by [`compare_loops`],
/// each followed by its sorted holes.
fn order_loops(loops: &mut Vec<Vec<V3>>) {
    let (mut shells, mut holes): (Vec<Vec<V3>>, Vec<Vec<V3>>) = std::mem::take(loops)
        .into_iter()
        .partition(|l| vector::turning_sum(l) > 0.0);
    shells.sort_by(|a, b| compare_loops(a, b));
    holes.sort_by(|a, b| compare_loops(a, b));
    let mut owners: Vec<Vec<Vec<V3>>> = vec![Vec::new(); shells.len()];
    let mut orphans = Vec::new();
    for h in holes {
        let probe = match (h.first(), h.get(1)) {
            (Some(a), Some(b)) => (*a + *b).normalize(),
            _ => continue,
        };
        let owner = shells
            .iter()
            .enumerate()
            .filter(|(_, s)| winding(std::slice::from_ref(*s), probe) > 0.5)
            .min_by(|(_, a), (_, b)| a.len().cmp(&b.len()))
            .map(|(i, _)| i);
        match owner.and_then(|i| owners.get_mut(i)) {
            Some(list) => list.push(h),
            None => orphans.push(h),
        }
    }
    for (shell, own) in shells.into_iter().zip(owners) {
        loops.push(shell);
        loops.extend(own);
    }
    loops.extend(orphans);
}

/// For each edge, the edge to follow at its end: the outgoing edge turning furthest left.
fn left_turns(list: &[((usize, usize), usize)], sites: &[V3]) -> Vec<Option<usize>> {
    let mut out_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (e, ((u, _), _)) in list.iter().enumerate() {
        out_of.entry(*u).or_default().push(e);
    }
    let site = |i: usize| sites.get(i).copied().unwrap_or(V3::new(0.0, 0.0, 1.0));
    list.iter()
        .map(|((u, v), _)| {
            let outs = out_of.get(v)?;
            if let [only] = outs.as_slice() {
                return Some(*only);
            }
            let (pv, back) = (site(*v), site(*u));
            // Clockwise angle at v from the edge back towards u to each outgoing edge.
            let tangent = |w: V3| vector::robust_cross(pv, w).cross(pv);
            let t0 = tangent(back);
            outs.iter().copied().min_by(|x, y| {
                let angle = |e: usize| {
                    let w = list.get(e).map_or(back, |((_, w), _)| site(*w));
                    let t = tangent(w);
                    let ccw = pv.dot(t0.cross(t)).atan2(t0.dot(t));
                    (-ccw).rem_euclid(std::f64::consts::TAU)
                };
                angle(*x).total_cmp(&angle(*y))
            })
        })
        .collect()
}

/// Follows edges into simple loops (S2 `GetDirectedLoops` with simple loops), each
/// rotated by [`canonical_order`].
fn directed_loops(
    list: &[((usize, usize), usize)],
    next: &[Option<usize>],
    num_sites: usize,
) -> Vec<Vec<usize>> {
    let mut used = vec![false; list.len()];
    let mut path_index: Vec<Option<usize>> = vec![None; num_sites];
    let mut loops = Vec::new();
    for start in 0..list.len() {
        let mut path: Vec<usize> = Vec::new();
        let mut e = start;
        while used.get(e) == Some(&false) {
            if let Some(u) = used.get_mut(e) {
                *u = true;
            }
            path.push(e);
            let Some(((src, dst), _)) = list.get(e) else {
                break;
            };
            if let Some(slot) = path_index.get_mut(*src) {
                *slot = Some(path.len() - 1);
            }
            if let Some(Some(loop_start)) = path_index.get(*dst).copied() {
                let l: Vec<usize> = path.split_off(loop_start);
                for e2 in &l {
                    if let Some(((s, _), _)) = list.get(*e2)
                        && let Some(slot) = path_index.get_mut(*s)
                    {
                        *slot = None;
                    }
                }
                loops.push(canonical_order(l, list));
            }
            match next.get(e).copied().flatten() {
                Some(n) => e = n,
                None => break,
            }
        }
        for e2 in &path {
            if let Some(((s, _), _)) = list.get(*e2)
                && let Some(slot) = path_index.get_mut(*s)
            {
                *slot = None;
            }
        }
    }
    loops
}

/// Rotates a loop so that the edge with the highest input id comes last, choosing the
/// last of a run of equal ids (S2 `CanonicalizeLoopOrder`).
fn canonical_order(mut l: Vec<usize>, list: &[((usize, usize), usize)]) -> Vec<usize> {
    let id = |e: usize| list.get(e).map_or(0, |(_, id)| *id as i64);
    let mut pos = 0usize;
    let mut saw_gap = false;
    for i in 1..l.len() {
        let (Some(&x), Some(&y)) = (l.get(i), l.get(pos)) else {
            break;
        };
        let cmp = id(x) - id(y);
        if cmp < 0 {
            saw_gap = true;
        } else if cmp > 0 || !saw_gap {
            pos = i;
            saw_gap = false;
        }
    }
    pos += 1;
    if pos >= l.len() {
        pos = 0;
    }
    l.rotate_left(pos);
    l
}

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
