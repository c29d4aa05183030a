//! IPv4 CIDR blocks: parsing, containment and splitting into equal subnets.

use std::fmt;
use std::str::FromStr;

/// An IPv4 CIDR block such as `10.0.0.0/16`.
///
/// ```
/// use gs_constructs::ec2::Ipv4Cidr;
/// let vpc: Ipv4Cidr = "10.0.0.0/16".parse().unwrap();
/// let subnets = vpc.split(4).unwrap();
/// assert_eq!(subnets[1].to_string(), "10.0.64.0/18");
/// assert!(vpc.contains(&subnets[3]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ipv4Cidr {
    base: u32,
    prefix: u8,
}

impl Ipv4Cidr {
    /// The network address as a number.
    pub fn base(&self) -> u32 {
        self.base
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    fn mask(prefix: u8) -> u32 {
        if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(prefix))
        }
    }

    /// Whether `other` lies inside this block.
    pub fn contains(&self, other: &Ipv4Cidr) -> bool {
        other.prefix >= self.prefix && (other.base & Ipv4Cidr::mask(self.prefix)) == self.base
    }

    /// `count` equal subnets (count rounded up to a power of two), in address order; `None`
    /// when the block is too small.
    pub fn split(&self, count: u32) -> Option<Vec<Ipv4Cidr>> {
        let bits = count.max(1).checked_next_power_of_two()?.trailing_zeros();
        let prefix = u32::from(self.prefix) + bits;
        if prefix > 28 {
            return None;
        }
        let size = 1u64 << (32 - prefix);
        Some(
            (0..count)
                .map(|i| Ipv4Cidr {
                    base: (u64::from(self.base) + u64::from(i) * size) as u32,
                    prefix: prefix as u8,
                })
                .collect(),
        )
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.base.to_be_bytes();
        write!(f, "{}.{}.{}.{}/{}", b[0], b[1], b[2], b[3], self.prefix)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Ipv4Cidr, String> {
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` has no `/prefix`"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= 32)
            .ok_or_else(|| format!("`{s}` has a prefix that is not 0 to 32"))?;
        let octets: Vec<u8> = addr
            .split('.')
            .map(|o| o.parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("`{s}` is not four numbers 0-255 separated by dots"))?;
        let [a, b, c, d] = octets[..] else {
            return Err(format!("`{s}` is not four numbers separated by dots"));
        };
        let base = u32::from_be_bytes([a, b, c, d]);
        if base & !Ipv4Cidr::mask(prefix) != 0 {
            return Err(format!(
                "`{s}` has host bits set below the /{prefix} prefix"
            ));
        }
        Ok(Ipv4Cidr { base, prefix })
    }
}
