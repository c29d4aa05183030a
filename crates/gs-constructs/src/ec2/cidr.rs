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

    /// The block as text (`10.0.0.0/16`, as [`fmt::Display`] writes it), pushed digit by digit
    /// into one buffer of the largest size it can need, without the formatting machinery.
    ///
    /// ```
    /// use gs_constructs::ec2::Ipv4Cidr;
    /// let block: Ipv4Cidr = "192.168.100.0/24".parse().unwrap();
    /// assert_eq!(block.text(), "192.168.100.0/24");
    /// ```
    pub fn text(&self) -> String {
        let mut text = String::with_capacity("255.255.255.255/32".len());
        for (i, octet) in self.base.to_be_bytes().into_iter().enumerate() {
            if i > 0 {
                text.push('.');
            }
            push_decimal(&mut text, octet);
        }
        text.push('/');
        push_decimal(&mut text, self.prefix);
        text
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

/// Pushes `n` in decimal.
fn push_decimal(text: &mut String, n: u8) {
    if n >= 100 {
        text.push(char::from(b'0' + n / 100));
    }
    if n >= 10 {
        text.push(char::from(b'0' + n / 10 % 10));
    }
    text.push(char::from(b'0' + n % 10));
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
        // Every part is parsed before the count is checked, as a collected list would be (so
        // the errors stay the same), into four bytes on the stack.
        let mut octets = [0u8; 4];
        let mut count = 0usize;
        for part in addr.split('.') {
            let octet = part
                .parse::<u8>()
                .map_err(|_| format!("`{s}` is not four numbers 0-255 separated by dots"))?;
            if let Some(slot) = octets.get_mut(count) {
                *slot = octet;
            }
            count += 1;
        }
        if count != 4 {
            return Err(format!("`{s}` is not four numbers separated by dots"));
        }
        let base = u32::from_be_bytes(octets);
        if base & !Ipv4Cidr::mask(prefix) != 0 {
            return Err(format!(
                "`{s}` has host bits set below the /{prefix} prefix"
            ));
        }
        Ok(Ipv4Cidr { base, prefix })
    }
}

#[cfg(test)]
mod tests {
    use super::Ipv4Cidr;

    #[test]
    fn text_writes_what_display_writes() {
        for (base, prefix) in [
            (0u32, 0u8),
            (0x0A00_0000, 8),
            (0xC0A8_6400, 24),
            (0xFFFF_FFFF, 32),
            (0x6409_0A00, 23),
            (0x0102_0300, 24),
        ] {
            let block = Ipv4Cidr { base, prefix };
            assert_eq!(block.text(), block.to_string());
        }
    }

    #[test]
    fn a_block_parses_to_four_octets_and_a_prefix_or_says_what_is_wrong() {
        let parsed: Result<Ipv4Cidr, String> = "10.1.2.0/24".parse();
        assert_eq!(
            parsed.map(|c| (c.base(), c.prefix())),
            Ok((0x0A01_0200, 24))
        );
        for (text, error) in [
            ("10.1.2/24", "is not four numbers separated by dots"),
            ("10.1.2.0.0/24", "is not four numbers separated by dots"),
            ("10.1.x.0/24", "is not four numbers 0-255 separated by dots"),
            (
                "10.1.2.0.256/24",
                "is not four numbers 0-255 separated by dots",
            ),
            ("10.1.2.1/24", "has host bits set below the /24 prefix"),
            ("10.1.2.0/33", "has a prefix that is not 0 to 32"),
        ] {
            match text.parse::<Ipv4Cidr>() {
                Err(e) => assert_eq!(e, format!("`{text}` {error}")),
                Ok(c) => panic!("{text} parsed to {c}"),
            }
        }
    }
}
