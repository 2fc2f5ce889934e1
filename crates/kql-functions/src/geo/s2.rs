//! S2 cell ids (DOCS `geo-point-to-s2cell-function.md` and the `geo-s2cell-*` pages),
//! written from the S2 geometry library's published definitions: the sphere is projected
//! onto the six faces of a cube, each face is cut by a quadratic (u, v) → (s, t) transform
//! into a 2³⁰ × 2³⁰ grid of leaf cells, and the cells of each face are numbered along a
//! Hilbert curve. A cell's token is its 64-bit id in hexadecimal without trailing zeros.

use super::vector::V3;
use std::sync::OnceLock;

pub const MAX_LEVEL: i32 = 30;
const MAX_SIZE: i64 = 1 << MAX_LEVEL;
const LOOKUP_BITS: u32 = 4;
const SWAP: usize = 1;
const INVERT: usize = 2;
/// The (i, j) quadrant of each Hilbert position, for each orientation.
const POS_TO_IJ: [[usize; 4]; 4] = [[0, 1, 3, 2], [0, 2, 3, 1], [3, 2, 0, 1], [3, 1, 0, 2]];
/// How the orientation changes in each Hilbert position.
const POS_TO_ORIENTATION: [usize; 4] = [SWAP, 0, 0, INVERT | SWAP];

struct Lookup {
    pos: Vec<u16>,
    ij: Vec<u16>,
}

fn lookup() -> &'static Lookup {
    static TABLES: OnceLock<Lookup> = OnceLock::new();
    TABLES.get_or_init(|| {
        let size = 1 << (2 * LOOKUP_BITS + 2);
        let mut t = Lookup {
            pos: vec![0; size],
            ij: vec![0; size],
        };
        for orientation in 0..4 {
            init_cell(&mut t, 0, 0, 0, orientation, 0, orientation);
        }
        t
    })
}

fn init_cell(
    t: &mut Lookup,
    level: u32,
    i: usize,
    j: usize,
    orig: usize,
    pos: usize,
    orientation: usize,
) {
    if level == LOOKUP_BITS {
        let ij = (i << LOOKUP_BITS) + j;
        if let Some(slot) = t.pos.get_mut((ij << 2) + orig) {
            *slot = ((pos << 2) + orientation) as u16;
        }
        if let Some(slot) = t.ij.get_mut((pos << 2) + orig) {
            *slot = ((ij << 2) + orientation) as u16;
        }
        return;
    }
    let r = POS_TO_IJ.get(orientation).copied().unwrap_or_default();
    for (index, quadrant) in r.iter().enumerate() {
        init_cell(
            t,
            level + 1,
            (i << 1) + (quadrant >> 1),
            (j << 1) + (quadrant & 1),
            orig,
            (pos << 2) + index,
            orientation ^ POS_TO_ORIENTATION.get(index).copied().unwrap_or_default(),
        );
    }
}

/// The cube face of a point and its (u, v) coordinates on that face.
pub fn face_uv(p: V3) -> (usize, f64, f64) {
    let (ax, ay, az) = (p.x.abs(), p.y.abs(), p.z.abs());
    let mut face = if ax > ay { 0 } else { 1 };
    let largest = if face == 0 { ax } else { ay };
    if az > largest {
        face = 2;
    }
    let component = match face {
        0 => p.x,
        1 => p.y,
        _ => p.z,
    };
    if component < 0.0 {
        face += 3;
    }
    let (u, v) = valid_face_uv(face, p);
    (face, u, v)
}

fn valid_face_uv(face: usize, p: V3) -> (f64, f64) {
    match face {
        0 => (p.y / p.x, p.z / p.x),
        1 => (-p.x / p.y, p.z / p.y),
        2 => (-p.x / p.z, -p.y / p.z),
        3 => (p.z / p.x, p.y / p.x),
        4 => (p.z / p.y, -p.x / p.y),
        _ => (-p.y / p.z, -p.x / p.z),
    }
}

/// The (unnormalised) point of face coordinates.
pub fn face_uv_to_xyz(face: usize, u: f64, v: f64) -> V3 {
    match face {
        0 => V3::new(1.0, u, v),
        1 => V3::new(-u, 1.0, v),
        2 => V3::new(-u, -v, 1.0),
        3 => V3::new(-1.0, -v, -u),
        4 => V3::new(v, -1.0, -u),
        _ => V3::new(v, u, -1.0),
    }
}

fn uv_to_st(u: f64) -> f64 {
    if u >= 0.0 {
        0.5 * (1.0 + 3.0 * u).sqrt()
    } else {
        1.0 - 0.5 * (1.0 - 3.0 * u).sqrt()
    }
}

fn st_to_uv(s: f64) -> f64 {
    if s >= 0.5 {
        (1.0 / 3.0) * (4.0 * s * s - 1.0)
    } else {
        (1.0 / 3.0) * (1.0 - 4.0 * (1.0 - s) * (1.0 - s))
    }
}

fn st_to_ij(s: f64) -> i64 {
    ((MAX_SIZE as f64 * s).floor() as i64).clamp(0, MAX_SIZE - 1)
}

/// A cell id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId(pub u64);

impl CellId {
    /// The leaf cell of face `face` at grid position (`i`, `j`).
    pub fn from_face_ij(face: usize, i: i64, j: i64) -> CellId {
        let t = lookup();
        let mut n = (face as u64) << 60;
        let mut bits = face & SWAP;
        let mask = (1usize << LOOKUP_BITS) - 1;
        for k in (0..8).rev() {
            bits += ((i as usize >> (k * LOOKUP_BITS)) & mask) << (LOOKUP_BITS + 2);
            bits += ((j as usize >> (k * LOOKUP_BITS)) & mask) << 2;
            bits = usize::from(t.pos.get(bits).copied().unwrap_or_default());
            n |= ((bits >> 2) as u64) << (k * 2 * LOOKUP_BITS);
            bits &= SWAP | INVERT;
        }
        CellId(n * 2 + 1)
    }

    /// The leaf cell holding a point.
    pub fn from_point(p: V3) -> CellId {
        let (face, u, v) = face_uv(p);
        CellId::from_face_ij(face, st_to_ij(uv_to_st(u)), st_to_ij(uv_to_st(v)))
    }

    /// The cell of a token; `None` unless it is 1–16 hex digits naming a valid cell.
    pub fn from_token(token: &str) -> Option<CellId> {
        if token.is_empty() || token.len() > 16 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let id = u64::from_str_radix(token, 16).ok()? << (4 * (16 - token.len()));
        let c = CellId(id);
        c.is_valid().then_some(c)
    }

    pub fn token(self) -> String {
        if self.0 == 0 {
            return "X".into();
        }
        let hex = format!("{:016x}", self.0);
        hex.trim_end_matches('0').to_string()
    }

    pub fn face(self) -> usize {
        (self.0 >> 61) as usize
    }

    fn lsb(self) -> u64 {
        self.0 & self.0.wrapping_neg()
    }

    pub fn is_valid(self) -> bool {
        self.face() < 6 && (self.lsb() & 0x1555_5555_5555_5555) != 0
    }

    pub fn level(self) -> i32 {
        MAX_LEVEL - (self.lsb().trailing_zeros() as i32 >> 1)
    }

    /// The ancestor at `level` (itself when at that level).
    pub fn parent(self, level: i32) -> CellId {
        let new_lsb = 1u64 << (2 * (MAX_LEVEL - level));
        CellId((self.0 & new_lsb.wrapping_neg()) | new_lsb)
    }

    /// The face and the (i, j) of the cell's leaf-cell corner nearest its start.
    pub fn face_ij(self) -> (usize, i64, i64) {
        let t = lookup();
        let (mut i, mut j) = (0i64, 0i64);
        let face = self.face();
        let mut bits = face & SWAP;
        for k in (0..8u32).rev() {
            let nbits = if k == 7 {
                MAX_LEVEL as u32 - 7 * LOOKUP_BITS
            } else {
                LOOKUP_BITS
            };
            bits +=
                ((self.0 >> (k * 2 * LOOKUP_BITS + 1)) as usize & ((1 << (2 * nbits)) - 1)) << 2;
            bits = usize::from(t.ij.get(bits).copied().unwrap_or_default());
            i += ((bits >> (LOOKUP_BITS + 2)) as i64) << (k * LOOKUP_BITS);
            j += (((bits >> 2) & ((1 << LOOKUP_BITS) - 1)) as i64) << (k * LOOKUP_BITS);
            bits &= SWAP | INVERT;
        }
        (face, i, j)
    }

    /// The cell's bounds in (u, v): ([u_lo, u_hi], [v_lo, v_hi]).
    fn uv_bounds(self) -> (usize, [f64; 2], [f64; 2]) {
        let (face, i, j) = self.face_ij();
        let size = 1i64 << (MAX_LEVEL - self.level());
        let (i0, j0) = (i & -size, j & -size);
        let st = |x: i64| x as f64 / MAX_SIZE as f64;
        (
            face,
            [st_to_uv(st(i0)), st_to_uv(st(i0 + size))],
            [st_to_uv(st(j0)), st_to_uv(st(j0 + size))],
        )
    }

    /// The cell's center (S2 `S2CellId::ToPoint`).
    pub fn center(self) -> V3 {
        let (face, i, j) = self.face_ij();
        let size = 1i64 << (MAX_LEVEL - self.level());
        let (si, ti) = (2 * (i & -size) + size, 2 * (j & -size) + size);
        let st = |x: i64| x as f64 / (2 * MAX_SIZE) as f64;
        face_uv_to_xyz(face, st_to_uv(st(si)), st_to_uv(st(ti))).normalize()
    }

    /// The cell's four corners, counter-clockwise (S2 `S2Cell::GetVertex`).
    pub fn vertices(self) -> [V3; 4] {
        let (face, u, v) = self.uv_bounds();
        let corner = |a: f64, b: f64| face_uv_to_xyz(face, a, b).normalize();
        [
            corner(u[0], v[0]),
            corner(u[1], v[0]),
            corner(u[1], v[1]),
            corner(u[0], v[1]),
        ]
    }

    /// The cell of leaf (`i`, `j`) on `face`, or across the face's edge when (i, j) is
    /// just outside it (S2 `FromFaceIJWrap`).
    fn from_face_ij_same(face: usize, i: i64, j: i64, same_face: bool) -> CellId {
        if same_face {
            return CellId::from_face_ij(face, i, j);
        }
        let i = i.clamp(-1, MAX_SIZE);
        let j = j.clamp(-1, MAX_SIZE);
        let scale = 1.0 / MAX_SIZE as f64;
        let limit = 1.0 + f64::EPSILON;
        let u = (scale * (2 * (i - MAX_SIZE / 2) + 1) as f64).clamp(-limit, limit);
        let v = (scale * (2 * (j - MAX_SIZE / 2) + 1) as f64).clamp(-limit, limit);
        let (face, u, v) = face_uv(face_uv_to_xyz(face, u, v));
        CellId::from_face_ij(face, st_to_ij(0.5 * (u + 1.0)), st_to_ij(0.5 * (v + 1.0)))
    }

    /// The cells of the same level around this one, each once (S2 `AppendAllNeighbors`):
    /// below and above, then left and right column by column.
    pub fn all_neighbors(self) -> Vec<CellId> {
        let level = self.level();
        let (face, i, j) = self.face_ij();
        let size = 1i64 << (MAX_LEVEL - level);
        let (i, j) = (i & -size, j & -size);
        let mut out = Vec::with_capacity(8);
        let mut k = -size;
        loop {
            let same_face = if k < 0 {
                j + k >= 0
            } else if k >= size {
                j + k < MAX_SIZE
            } else {
                out.push(Self::from_face_ij_same(
                    face,
                    i + k,
                    j - size,
                    j - size >= 0,
                ));
                out.push(Self::from_face_ij_same(
                    face,
                    i + k,
                    j + size,
                    j + size < MAX_SIZE,
                ));
                true
            };
            out.push(Self::from_face_ij_same(
                face,
                i - size,
                j + k,
                same_face && i - size >= 0,
            ));
            out.push(Self::from_face_ij_same(
                face,
                i + size,
                j + k,
                same_face && i + size < MAX_SIZE,
            ));
            if k >= size {
                break;
            }
            k += size;
        }
        let mut seen = Vec::with_capacity(out.len());
        for c in out.into_iter().map(|c| c.parent(level)) {
            if c != self && !seen.contains(&c) {
                seen.push(c);
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::vector;

    #[test]
    fn documented_tokens() {
        // DOCS geo-point-to-s2cell-function.md: `geo_point_to_s2cell(-80.195829, 25.802215,
        // 8)` is `88d9b`; points A and B of the grouping example share `47b1d`, C is `47ae3`.
        let at = |lng, lat| CellId::from_point(vector::from_degrees(lng, lat)).parent(8);
        assert_eq!(at(-80.195829, 25.802215).token(), "88d9b");
        assert_eq!(at(-80.195829, 25.802215).level(), 8);
        assert_eq!(at(10.1234, 53.0).token(), "47b1d");
        assert_eq!(at(10.3579, 53.0).token(), "47b1d");
        assert_eq!(at(10.6842, 53.0).token(), "47ae3");
        // DOCS geo-s2cell-neighbors-function.md: the eight cells around `89c259`.
        let c = CellId::from_token("89c259").unwrap_or(CellId(0));
        let mut got: Vec<String> = c.all_neighbors().iter().map(|c| c.token()).collect();
        got.sort();
        let mut want = [
            "89c25d", "89c2f9", "89c251", "89c257", "89c25f", "89c25b", "89c2f7", "89c2f5",
        ];
        want.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(CellId::from_token("a"), None);
        assert_eq!(CellId::from_token("zz"), None);
    }

    #[test]
    fn corners_surround_the_center() {
        let c = CellId::from_token("89c259").unwrap_or(CellId(0));
        let v = c.vertices();
        let center = c.center();
        for k in 0..4 {
            let (a, b) = (v[k], v[(k + 1) % 4]);
            assert_eq!(vector::sign(a, b, center), 1);
        }
        // DOCS geo-s2cell-to-polygon-function.md: the polygon of `89c259` starts at
        // (-74.030012249838478, 40.8012684339439), then (.., 40.7222262918358).
        let (lng, lat) = vector::to_degrees(v[0]);
        assert!((lng + 74.030_012_249_838_48).abs() < 1e-12, "{lng}");
        assert!((lat - 40.801_268_433_943_9).abs() < 1e-12, "{lat}");
        let (_, lat) = vector::to_degrees(v[1]);
        assert!((lat - 40.722_226_291_835_8).abs() < 1e-12, "{lat}");
        // DOCS geo-s2cell-to-central-point-function.md: the center of `1234567`.
        let c = CellId::from_token("1234567").unwrap_or(CellId(0));
        let (lng, lat) = vector::to_degrees(c.center());
        assert!((lng - 9.868_307_318_504_08).abs() < 1e-12, "{lng}");
        assert!((lat - 27.468_392_925_827_604).abs() < 1e-12, "{lat}");
    }
}
