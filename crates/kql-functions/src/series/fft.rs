//! The discrete Fourier transform: `series_fft` and `series_ifft` (DOCS
//! `series-fft-function.md`, `series-ifft-function.md`).
//!
//! `series_fft(x_real[, x_imaginary])` gives `X[k] = Σ x[t]·e^(-2πi·kt/n)` and
//! `series_ifft` its inverse `x[t] = (1/n) Σ X[k]·e^(2πi·kt/n)`, so that
//! `series_ifft(series_fft(x))` is `x` again, as the page's second example shows. Any
//! length works: powers of two by the radix-2 algorithm, other lengths by Bluestein's
//! chirp-z transform over a power of two. A series with an element that is not a number,
//! or an imaginary part of another length, gives null.

use super::fit::{elements, reals};
use serde_json::{Map, Value as Json};
use std::f64::consts::PI;

/// In-place radix-2 FFT of a power-of-two length; `sign` is -1 forward, +1 backward
/// (unscaled).
fn radix2(re: &mut [f64], im: &mut [f64], sign: f64) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let angle = sign * 2.0 * PI / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = (angle * k as f64).sin_cos();
                let (a, b) = (start + k, start + k + len / 2);
                let tr = re[b] * c - im[b] * s;
                let ti = re[b] * s + im[b] * c;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

/// The unscaled DFT of any length; `sign` as in [`radix2`].
pub(super) fn dft(re: &[f64], im: &[f64], sign: f64) -> (Vec<f64>, Vec<f64>) {
    let n = re.len();
    if n == 0 || n.is_power_of_two() {
        let (mut r, mut i) = (re.to_vec(), im.to_vec());
        radix2(&mut r, &mut i, sign);
        return (r, i);
    }
    // Bluestein: kt = (k² + t² - (k - t)²) / 2 turns the transform into a convolution
    // with the chirp w[m] = e^(-sign·πi·m²/n).
    let m = (2 * n - 1).next_power_of_two();
    let chirp: Vec<(f64, f64)> = (0..n)
        .map(|t| {
            // t² mod 2n keeps the angle small and exact.
            let q = ((t as u128 * t as u128) % (2 * n as u128)) as f64;
            let (s, c) = (-sign * PI * q / n as f64).sin_cos();
            (c, s)
        })
        .collect();
    let (mut ar, mut ai) = (vec![0.0; m], vec![0.0; m]);
    for t in 0..n {
        // a[t] = x[t] · conj(w[t])
        let (c, s) = chirp[t];
        ar[t] = re[t] * c + im[t] * s;
        ai[t] = im[t] * c - re[t] * s;
    }
    let (mut br, mut bi) = (vec![0.0; m], vec![0.0; m]);
    for t in 0..n {
        let (c, s) = chirp[t];
        br[t] = c;
        bi[t] = s;
        if t > 0 {
            br[m - t] = c;
            bi[m - t] = s;
        }
    }
    radix2(&mut ar, &mut ai, -1.0);
    radix2(&mut br, &mut bi, -1.0);
    for k in 0..m {
        let (r, i) = (ar[k] * br[k] - ai[k] * bi[k], ar[k] * bi[k] + ai[k] * br[k]);
        ar[k] = r;
        ai[k] = i;
    }
    radix2(&mut ar, &mut ai, 1.0);
    let scale = 1.0 / m as f64;
    (0..n)
        .map(|k| {
            let (cr, ci) = (ar[k] * scale, ai[k] * scale);
            let (c, s) = chirp[k];
            // X[k] = conj(w[k]) · (a ⊛ w)[k]
            (cr * c + ci * s, ci * c - cr * s)
        })
        .unzip()
}

/// The real and imaginary parts of a transform's argument; `None` unless both are arrays
/// of numbers of one length.
fn complex_input(args: &[Json]) -> Option<(Vec<f64>, Vec<f64>)> {
    let re: Vec<f64> = elements(args.first())?.into_iter().collect::<Option<_>>()?;
    let im: Vec<f64> = match args.get(1) {
        None | Some(Json::Null) => vec![0.0; re.len()],
        other => elements(other)?.into_iter().collect::<Option<_>>()?,
    };
    (im.len() == re.len()).then_some((re, im))
}

fn bag(re: &[f64], im: &[f64]) -> Json {
    let mut bag = Map::new();
    bag.insert("real".into(), reals(re));
    bag.insert("imag".into(), reals(im));
    Json::Object(bag)
}

/// `series_fft(x_real[, x_imaginary])`.
pub(super) fn fft(args: &[Json]) -> Option<Json> {
    let (re, im) = complex_input(args)?;
    let (r, i) = dft(&re, &im, -1.0);
    Some(bag(&r, &i))
}

/// `series_ifft(fft_real[, fft_imaginary])`.
pub(super) fn ifft(args: &[Json]) -> Option<Json> {
    let (re, im) = complex_input(args)?;
    let (r, i) = dft(&re, &im, 1.0);
    let n = re.len().max(1) as f64;
    let scale = |v: Vec<f64>| v.into_iter().map(|x| x / n).collect::<Vec<_>>();
    Some(bag(&scale(r), &scale(i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn floats(v: &Json) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    /// The DFT by its definition, for comparison.
    fn naive(re: &[f64], im: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let n = re.len();
        (0..n)
            .map(|k| {
                (0..n).fold((0.0, 0.0), |(sr, si), t| {
                    let a = -2.0 * PI * (k * t) as f64 / n as f64;
                    let (s, c) = a.sin_cos();
                    (sr + re[t] * c - im[t] * s, si + re[t] * s + im[t] * c)
                })
            })
            .unzip()
    }

    #[test]
    fn matches_the_definition_for_any_length() {
        for n in [1usize, 2, 3, 5, 8, 12, 17, 64, 100] {
            let re: Vec<f64> = (0..n).map(|t| ((t * 7 + 3) % 11) as f64 - 5.0).collect();
            let im: Vec<f64> = (0..n).map(|t| ((t * 5 + 1) % 7) as f64 * 0.5).collect();
            let (r, i) = dft(&re, &im, -1.0);
            let (wr, wi) = naive(&re, &im);
            for k in 0..n {
                assert!((r[k] - wr[k]).abs() < 1e-9, "n={n} k={k}");
                assert!((i[k] - wi[k]).abs() < 1e-9, "n={n} k={k}");
            }
        }
    }

    #[test]
    fn a_sine_wave_has_two_spectral_lines() {
        // series-fft-function.md: a sine of period 8 over 128 points; its transform is
        // -64i at frequency 16 and +64i at 128 - 16, zero elsewhere.
        let y: Vec<f64> = (0..128)
            .map(|x| (2.0 * PI / 8.0 * x as f64).sin())
            .collect();
        let out = fft(&[json!(y)]).unwrap();
        let (r, i) = (floats(&out["real"]), floats(&out["imag"]));
        assert!((i[16] + 64.0).abs() < 1e-9);
        assert!((i[112] - 64.0).abs() < 1e-9);
        for k in (0..128).filter(|k| *k != 16 && *k != 112) {
            assert!(r[k].abs() < 1e-9 && i[k].abs() < 1e-9, "{k}");
        }
    }

    #[test]
    fn ifft_inverts_fft() {
        // series-fft-function.md, second example: the inverse gives the series back.
        let re: Vec<f64> = (0..30)
            .map(|x| (x as f64 * 0.7).cos() + 0.1 * x as f64)
            .collect();
        let im: Vec<f64> = (0..30).map(|x| (x as f64 * 0.3).sin()).collect();
        let f = fft(&[json!(re), json!(im)]).unwrap();
        let back = ifft(&[f["real"].clone(), f["imag"].clone()]).unwrap();
        for (a, b) in floats(&back["real"]).iter().zip(&re) {
            assert!((a - b).abs() < 1e-9);
        }
        for (a, b) in floats(&back["imag"]).iter().zip(&im) {
            assert!((a - b).abs() < 1e-9);
        }
    }

    #[test]
    fn bad_input_is_null() {
        assert_eq!(fft(&[json!([1, null, 3])]), None);
        assert_eq!(fft(&[json!([1, 2]), json!([1])]), None);
        assert_eq!(ifft(&[json!("x")]), None);
        assert_eq!(fft(&[json!([])]), Some(json!({"real": [], "imag": []})));
    }
}
