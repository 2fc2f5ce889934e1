//! Geohashes (DOCS `geo-point-to-geohash-function.md`): the base-32 interleaving of
//! longitude and latitude bisections, 1 to 18 characters.

use serde_json::{Value as Json, json};

const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";

/// The longest geohash Kusto accepts.
pub const MAX_LENGTH: usize = 18;

/// A geohash cell: its longitude and latitude ranges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub west: f64,
    pub east: f64,
    pub south: f64,
    pub north: f64,
}

impl Cell {
    pub fn center(&self) -> (f64, f64) {
        (
            (self.west + self.east) / 2.0,
            (self.south + self.north) / 2.0,
        )
    }
}

/// The geohash of length `length` (1–18) of a valid coordinate.
pub fn encode(lng: f64, lat: f64, length: usize) -> Option<String> {
    if !(1..=MAX_LENGTH).contains(&length)
        || !(-180.0..=180.0).contains(&lng)
        || !(-90.0..=90.0).contains(&lat)
    {
        return None;
    }
    let (mut lng_range, mut lat_range) = ((-180.0, 180.0), (-90.0, 90.0));
    let mut out = String::with_capacity(length);
    let mut even = true;
    while out.len() < length {
        let mut index = 0usize;
        for _ in 0..5 {
            let (range, x): (&mut (f64, f64), f64) = if even {
                (&mut lng_range, lng)
            } else {
                (&mut lat_range, lat)
            };
            let mid = (range.0 + range.1) / 2.0;
            index <<= 1;
            if x >= mid {
                index |= 1;
                range.0 = mid;
            } else {
                range.1 = mid;
            }
            even = !even;
        }
        out.push(char::from(*ALPHABET.get(index)?));
    }
    Some(out)
}

/// The cell of a geohash; `None` for an empty, too long or invalid one.
pub fn decode(hash: &str) -> Option<Cell> {
    if hash.is_empty() || hash.len() > MAX_LENGTH {
        return None;
    }
    let (mut lng_range, mut lat_range) = ((-180.0f64, 180.0f64), (-90.0f64, 90.0f64));
    let mut even = true;
    for c in hash.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c.to_ascii_lowercase())?;
        for bit in (0..5).rev() {
            let range = if even { &mut lng_range } else { &mut lat_range };
            let mid = (range.0 + range.1) / 2.0;
            if (value >> bit) & 1 == 1 {
                range.0 = mid;
            } else {
                range.1 = mid;
            }
            even = !even;
        }
    }
    Some(Cell {
        west: lng_range.0,
        east: lng_range.1,
        south: lat_range.0,
        north: lat_range.1,
    })
}

/// The GeoJSON point at the center of a geohash cell.
pub fn central_point(hash: &str) -> Option<Json> {
    let (lng, lat) = decode(hash)?.center();
    Some(json!({"type": "Point", "coordinates": [lng, lat]}))
}

/// The GeoJSON polygon of a geohash cell, counter-clockwise from the south-west corner.
pub fn polygon(hash: &str) -> Option<Json> {
    let c = decode(hash)?;
    Some(json!({"type": "Polygon", "coordinates": [[
        [c.west, c.south], [c.east, c.south], [c.east, c.north], [c.west, c.north], [c.west, c.south]
    ]]}))
}

/// The geohashes of the cells around one, in the order DOCS
/// `geo-geohash-neighbors-function.md` lists them for `sunny`: south-west, north-west,
/// south-east, north, west, north-east, east, south. Cells beyond a pole are left out;
/// longitudes wrap around.
pub fn neighbors(hash: &str) -> Option<Vec<String>> {
    let cell = decode(hash)?;
    let (lng, lat) = cell.center();
    let (w, h) = (cell.east - cell.west, cell.north - cell.south);
    let steps = [
        (-1, -1),
        (-1, 1),
        (1, -1),
        (0, 1),
        (-1, 0),
        (1, 1),
        (1, 0),
        (0, -1),
    ];
    Some(
        steps
            .iter()
            .filter_map(|&(dx, dy)| {
                let y = lat + f64::from(dy) * h;
                if !(-90.0..=90.0).contains(&y) {
                    return None;
                }
                let x = (lng + f64::from(dx) * w + 180.0).rem_euclid(360.0) - 180.0;
                encode(x, y, hash.len())
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_geohashes() {
        // DOCS geo-point-to-geohash-function.md.
        assert_eq!(
            encode(-80.195829, 25.802215, 8).as_deref(),
            Some("dhwfz15h")
        );
        assert_eq!(encode(300.0, 1.0, 5), None);
        assert_eq!(encode(1.0, 1.0, 19), None);
        // DOCS geo-geohash-to-central-point-function.md.
        assert_eq!(
            central_point("sunny"),
            Some(json!({"type": "Point", "coordinates": [42.47314453125, 23.70849609375]}))
        );
        let c = decode("sv8wzvy7").unwrap().center();
        assert_eq!((c.1, c.0), (32.15620994567871, 34.80245590209961));
        // DOCS geo-geohash-to-polygon-function.md: the first cell of the example.
        let p = polygon(&encode(-73.975212, 40.789608, 5).unwrap()).unwrap();
        assert_eq!(
            p,
            json!({"type": "Polygon", "coordinates": [[[-74.00390625, 40.78125], [-73.9599609375, 40.78125],
                [-73.9599609375, 40.8251953125], [-74.00390625, 40.8251953125], [-74.00390625, 40.78125]]]})
        );
        assert_eq!(polygon("a"), None);
        // DOCS geo-geohash-neighbors-function.md.
        assert_eq!(
            neighbors("sunny").unwrap(),
            [
                "sunnt", "sunpj", "sunnx", "sunpn", "sunnv", "sunpp", "sunnz", "sunnw"
            ]
        );
    }
}
