//! `geo_from_wkt` (DOCS `geo-from-wkt-function.md`): Well-Known Text to GeoJSON for the
//! seven geometry types of the OGC simple-features text format. Text that is not one of
//! them, or coordinates outside [-180, 180] × [-90, 90], give null.

use super::geojson::{LngLat, coords};
use serde_json::{Map, Value as Json};

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn skip_space(&mut self) {
        while self.s.get(self.at).is_some_and(|c| c.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_space();
        if self.s.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> String {
        self.skip_space();
        let start = self.at;
        while self.s.get(self.at).is_some_and(|c| c.is_ascii_alphabetic()) {
            self.at += 1;
        }
        String::from_utf8_lossy(self.s.get(start..self.at).unwrap_or_default()).to_uppercase()
    }

    fn number(&mut self) -> Option<f64> {
        self.skip_space();
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.at += 1;
        }
        std::str::from_utf8(self.s.get(start..self.at)?)
            .ok()?
            .parse()
            .ok()
    }

    fn position(&mut self) -> Option<Json> {
        let (lng, lat) = (self.number()?, self.number()?);
        Some(coords(LngLat::new(lng, lat)?))
    }

    /// `( item, item, ... )`.
    fn list(&mut self, item: impl Fn(&mut Self) -> Option<Json>) -> Option<Json> {
        if !self.eat(b'(') {
            return None;
        }
        let mut out = vec![item(self)?];
        while self.eat(b',') {
            out.push(item(self)?);
        }
        self.eat(b')').then_some(Json::Array(out))
    }

    /// A multipoint member: `x y` or `(x y)`.
    fn loose_position(&mut self) -> Option<Json> {
        if self.eat(b'(') {
            let p = self.position()?;
            return self.eat(b')').then_some(p);
        }
        self.position()
    }

    fn geometry(&mut self) -> Option<Json> {
        let ty = self.word();
        let (name, coordinates) = match ty.as_str() {
            "POINT" => ("Point", {
                if !self.eat(b'(') {
                    return None;
                }
                let p = self.position()?;
                self.eat(b')').then_some(p)?
            }),
            "LINESTRING" => ("LineString", self.list(Self::position)?),
            "POLYGON" => ("Polygon", self.list(|p| p.list(Self::position))?),
            "MULTIPOINT" => ("MultiPoint", self.list(Self::loose_position)?),
            "MULTILINESTRING" => ("MultiLineString", self.list(|p| p.list(Self::position))?),
            "MULTIPOLYGON" => (
                "MultiPolygon",
                self.list(|p| p.list(|q| q.list(Self::position)))?,
            ),
            "GEOMETRYCOLLECTION" => {
                let geometries = self.list(Self::geometry)?;
                let mut m = Map::new();
                m.insert("type".into(), Json::from("GeometryCollection"));
                m.insert("geometries".into(), geometries);
                return Some(Json::Object(m));
            }
            _ => return None,
        };
        let mut m = Map::new();
        m.insert("type".into(), Json::from(name));
        m.insert("coordinates".into(), coordinates);
        Some(Json::Object(m))
    }
}

/// The GeoJSON of a WKT text; `None` when it is not valid WKT.
pub fn from_wkt(text: &str) -> Option<Json> {
    let mut p = Parser {
        s: text.as_bytes(),
        at: 0,
    };
    let g = p.geometry()?;
    p.skip_space();
    (p.at == p.s.len()).then_some(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // DOCS geo-from-wkt-function.md, every example.
    #[test]
    fn documented_conversions() {
        let cases = [
            ("POINT (1 2)", json!({"type": "Point","coordinates": [1,2]})),
            (
                "LINESTRING (1 2, 3 4)",
                json!({"type": "LineString", "coordinates": [[1,2],[3,4]]}),
            ),
            (
                "POLYGON ((0 0, 2 0, 2 2, 0 0))",
                json!({"type": "Polygon","coordinates": [[[0,0],[2,0],[2,2],[0,0]]]}),
            ),
            (
                "MULTIPOINT (1 1, 2 2, 3 3)",
                json!({"type": "MultiPoint","coordinates": [[1,1],[2,2],[3,3]]}),
            ),
            (
                "MULTILINESTRING ((1 1, 2 2, 3 3), (4 4, 5 5))",
                json!({"type":"MultiLineString","coordinates":[[[1,1],[2,2],[3,3]],[[4,4],[5,5]]]}),
            ),
            (
                "MULTIPOLYGON (((0 0, 2 0, 2 2, 0 0)),((10 10, 12 10, 12 12, 10 10)))",
                json!({"type": "MultiPolygon","coordinates": [[[[0,0],[2,0],[2,2],[0,0]]],[[[10,10],[12,10],[12,12],[10,10]]]]}),
            ),
            (
                "GEOMETRYCOLLECTION (POINT (1 1),LINESTRING (2 2, 3 3, 4 4),POLYGON ((10 10, 12 10, 12 12, 10 10)))",
                json!({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,1]},{"type":"LineString","coordinates":[[2,2],[3,3],[4,4]]},{"type":"Polygon","coordinates":[[[10,10],[12,10],[12,12],[10,10]]]}]}),
            ),
        ];
        for (wkt, want) in cases {
            assert_eq!(from_wkt(wkt), Some(want), "{wkt}");
        }
        assert_eq!(from_wkt("LINESTRING"), None);
        assert_eq!(from_wkt("POINT (200 1)"), None);
        assert_eq!(from_wkt("POINT (1 1) trailing"), None);
    }
}
