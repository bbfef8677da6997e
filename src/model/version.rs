//! Version numbers with a numeric order: `0.9 < 0.10 < 1.0`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A document version number such as `1.0` or `1.2.3`. Versions compare by number:
/// `1 == 1.0`, so two files cannot both claim one version by writing it differently.
#[derive(Debug, Clone)]
pub struct Version {
    parts: Vec<u32>,
    text: String,
}

impl Version {
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Result<Vec<u32>, _> = s.split('.').map(str::parse::<u32>).collect();
        match parts {
            Ok(parts) if !parts.is_empty() && s.split('.').all(|p| !p.starts_with('+')) => {
                Ok(Version {
                    parts,
                    text: s.to_owned(),
                })
            }
            _ => Err(format!(
                "`{s}` is not a version number; write numbers separated by dots, such as `1.0`"
            )),
        }
    }
}

impl Version {
    /// The numbers without trailing zeros: `1.0` and `1` are both `[1]`.
    fn significant(&self) -> &[u32] {
        let end = self
            .parts
            .iter()
            .rposition(|&p| p != 0)
            .map_or(0, |i| i + 1);
        &self.parts[..end]
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        // Compare as if padded with zeros.
        let n = self.parts.len().max(other.parts.len());
        for i in 0..n {
            let a = self.parts.get(i).copied().unwrap_or(0);
            let b = other.parts.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.significant().hash(state);
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_numerically() {
        let mut v: Vec<Version> = ["1.0", "0.10", "0.9", "0.1", "2"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        v.sort();
        let s: Vec<&str> = v.iter().map(Version::as_str).collect();
        assert_eq!(s, ["0.1", "0.9", "0.10", "1.0", "2"]);
    }

    #[test]
    fn equal_by_number() {
        let v = |s: &str| s.parse::<Version>().unwrap();
        assert_eq!(v("1"), v("1.0"));
        assert_eq!(v("1.0.0"), v("1"));
        assert_ne!(v("1.0"), v("1.0.1"));
        let set: std::collections::HashSet<Version> = [v("1"), v("1.0")].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn rejects_non_numbers() {
        assert!("1.x".parse::<Version>().is_err());
        assert!("".parse::<Version>().is_err());
        assert!("1..0".parse::<Version>().is_err());
    }
}
