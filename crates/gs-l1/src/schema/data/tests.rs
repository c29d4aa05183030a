use super::*;

/// Every owner of every type, with its records as the block holds them.
fn owners() -> impl Iterator<Item = (&'static str, usize, Owner)> {
    type_names().flat_map(|name| {
        let ty = lookup(name).expect("known");
        (0..ty.owner_count()).map(move |n| (name, n, ty.owner(n).expect("in range")))
    })
}

/// The `P` records of an owner, split the plain way (`str::lines`, `str::split`).
fn records(o: &Owner) -> Vec<(&'static str, &'static str)> {
    o.props()
        .lines()
        .map(|l| {
            let r = l
                .strip_prefix("P\t")
                .expect("only P records after the header");
            (r.split('\t').next().unwrap(), r)
        })
        .collect()
}

#[test]
fn every_name_finds_its_own_number_twice_and_others_none() {
    for round in 0..2 {
        for (i, name) in type_names().enumerate() {
            assert_eq!(index_of(name), Some(i), "{name}, round {round}");
        }
    }
    for name in [
        "",
        "AWS::",
        "AWS::EFS::FileSystemX",
        "aws::efs::filesystem",
        "Z",
    ] {
        assert_eq!(index_of(name), None, "{name}");
    }
}

/// The type names' hash table finds what a binary search over the sorted names finds, for every
/// name of the data and names near them; every type is in one slot.
#[test]
fn the_type_table_agrees_with_a_binary_search() {
    let names: Vec<&str> = type_names().collect();
    let search = |name: &str| names.binary_search(&name).ok();
    for name in &names {
        for probe in [
            name.to_string(),
            format!("{name}x"),
            name[..name.len() - 1].to_string(),
            name.to_lowercase(),
            name.replace("AWS::", "Aws::"),
        ] {
            assert_eq!(index_of(&probe), search(&probe), "{probe}");
        }
    }
    let mut taken: Vec<u16> = TYPE_SLOTS.iter().copied().filter(|&n| n != 0).collect();
    taken.sort_unstable();
    assert!(taken.iter().copied().eq(1..=COUNT as u16));
}

/// A slot's offset: base-64 digits from `0` to `o`, most significant first.
fn b64(digits: &[u8]) -> usize {
    digits.iter().fold(0, |n, &d| {
        assert!((b'0'..=b'o').contains(&d), "{digits:?}");
        n * 64 + usize::from(d - b'0')
    })
}

/// `n` in `width` base-64 digits, as gs-codegen writes a slot's offset.
fn to_b64(n: usize, width: u32) -> String {
    (0..width)
        .rev()
        .map(|d| char::from(b'0' + (n >> (6 * d) & 63) as u8))
        .collect()
}

/// The offsets of an `O` or `I` record, split the plain way; checks that they are of one width.
fn offsets(record: &str, tag: &str) -> Vec<usize> {
    let fields: Vec<&str> = record.strip_prefix(tag).expect(tag).split('\t').collect();
    let count: usize = fields[0].parse().unwrap();
    let offsets = &fields[1..];
    assert_eq!(offsets.len(), count, "{record}");
    assert!(
        offsets.iter().all(|o| o.len() == offsets[0].len()),
        "{record}"
    );
    offsets.iter().map(|o| o.parse().unwrap()).collect()
}

#[test]
fn the_data_is_written_in_the_order_the_reader_relies_on() {
    for (name, [_, _, start, end]) in type_names().zip(TYPES.iter()) {
        let block = &DATA[*start as usize..*end as usize];
        let ty = lookup(name).expect("known");
        // The `O` record, then the header (`G`, `A`), then the owners where the offsets say.
        let (o_record, body) = block.split_once('\n').unwrap();
        assert_eq!(body, ty.body, "{name}");
        let starts = offsets(o_record, "O\t");
        assert!(!starts.is_empty(), "{name}");
        assert_eq!(ty.owner_count(), starts.len(), "{name}");
        let header = &body[..starts[0]];
        let tags: Vec<&str> = header.lines().map(|l| &l[..2]).collect();
        assert!(
            ["G\t", "A\t"]
                .iter()
                .filter(|t| tags.contains(t))
                .eq(tags.iter()),
            "{name}: {header:?}"
        );
        let g = header.lines().find_map(|l| l.strip_prefix("G\t"));
        assert_eq!(
            ty.tagging(),
            g.map(|g| g.split_once('\t').unwrap()),
            "{name}"
        );
        let a = header.lines().find_map(|l| l.strip_prefix("A\t"));
        let attrs: Vec<&str> = a.map_or(vec![], |a| a.split('\t').collect());
        assert_eq!(ty.attributes().collect::<Vec<_>>(), attrs, "{name}");
        assert!(attrs.windows(2).all(|w| w[0] < w[1]), "{name}: {attrs:?}");
        for (n, &from) in starts.iter().enumerate() {
            let to = starts.get(n + 1).copied().unwrap_or(body.len());
            let own = &body[from..to];
            let o = ty.owner(n).expect("in range");
            // `N` (nested types only), `I`, `Q`, `X`, then the `P` records where `I` says.
            let mut lines = own.split_inclusive('\n');
            if n > 0 {
                let line = lines.next().unwrap();
                assert_eq!(line, format!("N\t{}\n", o.name), "{name} owner {n}");
                assert!(!o.name.is_empty());
            } else {
                assert!(o.name.is_empty());
            }
            let s_record = lines.next().unwrap();
            let after_s = &own[own.find(s_record).unwrap() + s_record.len()..];
            assert_eq!(after_s, o.records, "{name} owner {n}");
            // `S`: the bits, the width, the required count, then the slots.
            let fields: Vec<&str> = s_record
                .trim_end_matches('\n')
                .strip_prefix("S\t")
                .expect("S")
                .split('\t')
                .collect();
            let [bits, width, required, slots] = fields[..] else {
                panic!("{name} owner {n}: {s_record:?}");
            };
            let (bits, width): (u32, usize) = (bits.parse().unwrap(), width.parse().unwrap());
            assert_eq!(slots.len(), (width + 1) << bits, "{name} owner {n}");
            let mut p_starts: Vec<usize> = slots
                .as_bytes()
                .chunks(width + 1)
                .filter(|s| s[0] != EMPTY)
                .map(|s| b64(&s[1..]))
                .collect();
            // As many slots as records, rounded up to a power of two.
            assert!(p_starts.len() <= 1 << bits, "{name} owner {n}");
            assert!(
                bits == 0 || p_starts.len() > 1 << (bits - 1),
                "{name} owner {n}"
            );
            p_starts.sort_unstable();
            let mut header = after_s;
            if let Some(&first) = p_starts.first() {
                header = &after_s[..first];
                let mut at = first;
                for &s in &p_starts {
                    assert_eq!(s, at, "{name} owner {n}");
                    assert!(after_s[s..].starts_with("P\t"), "{name} owner {n}");
                    at += after_s[s..].find('\n').unwrap() + 1;
                }
                assert_eq!(at, after_s.len(), "{name} owner {n}");
            }
            assert_eq!(o.props(), &after_s[header.len()..], "{name} owner {n}");
            let tags: Vec<&str> = header.lines().map(|l| &l[..2]).collect();
            assert!(
                ["Q\t", "X\t"]
                    .iter()
                    .filter(|t| tags.contains(t))
                    .eq(tags.iter()),
                "{name} owner {n}: {header:?}"
            );
            // Within each owner, the `P` records are sorted by name, with no duplicates; the
            // `Q` record names the ones flagged `r`, and the `X` record is sorted.
            let recs = records(&o);
            assert_eq!(recs.len(), p_starts.len());
            assert!(
                recs.windows(2).all(|w| w[0].0 < w[1].0),
                "{name} {}: {recs:?}",
                o.name
            );
            let flagged: Vec<&str> = recs
                .iter()
                .filter(|(_, r)| r.split('\t').nth(2).unwrap_or("").contains('r'))
                .map(|(n, _)| *n)
                .collect();
            assert_eq!(
                o.required().collect::<Vec<_>>(),
                flagged,
                "{name} {}",
                o.name
            );
            // The required count, and each record in a slot of its name's tag, no further
            // from the name's first slot than the slots before it are taken.
            assert_eq!(required.parse::<usize>().unwrap(), flagged.len());
            assert_eq!(o.required_count(), Some(flagged.len()), "{name} owner {n}");
            let slot = |i: usize| &slots.as_bytes()[i * (width + 1)..(i + 1) * (width + 1)];
            for (key, record) in &recs {
                let (first, tag) = prop_hash(key.as_bytes(), bits);
                let mut i = first;
                loop {
                    let s = slot(i);
                    assert_ne!(s[0], EMPTY, "{name} owner {n} {key}");
                    let at = b64(&s[1..]);
                    if after_s[at + 2..].starts_with(&format!("{record}\n")) {
                        assert_eq!(s[0], tag, "{name} owner {n} {key}");
                        break;
                    }
                    i = (i + 1) % (1 << bits);
                }
            }
            for (key, _) in &recs {
                assert_eq!(o.prop(key).unwrap().required, flagged.contains(key));
            }
            let x = header.lines().find_map(|l| l.strip_prefix("X\t"));
            assert_eq!(o.read_only(), x.unwrap_or(""), "{name} owner {n}");
            let ro: Vec<&str> = Fields(Some(o.read_only())).collect();
            assert!(ro.windows(2).all(|w| w[0] < w[1]), "{name}: {ro:?}");
        }
        assert_eq!(ty.owner(ty.owner_count()).map(|o| o.name), None);
    }
}

/// The property test of the lookup: through every owner's hash table, every name of the data
/// finds its own record, and names near them (prefixes, extensions, other cases, a name with
/// its kind) find what a linear scan of the records finds.
#[test]
fn the_hash_table_agrees_with_a_linear_scan_on_every_owner() {
    let mut found = 0;
    for (name, n, o) in owners() {
        let recs = records(&o);
        let linear = |key: &str| recs.iter().find(|(k, _)| *k == key).map(|(_, r)| *r);
        for (key, record) in &recs {
            let hit = o.record(key).expect("found");
            assert_eq!(hit.lines().next(), Some(*record), "{name} {n} {key}");
            assert!(o.prop(key).is_some());
            found += 1;
            // Names between and around the records: before, after, prefixes, extensions.
            for probe in [
                format!("{key}0"),
                format!("{key}~"),
                key[..key.len() - 1].to_owned(),
                format!("{}{}", &key[..key.len() - 1], '\u{7f}'),
                key.to_lowercase(),
                key.to_uppercase(),
                record.split('\t').take(2).collect::<Vec<_>>().join("\t"),
            ] {
                let found = o.record(&probe);
                assert_eq!(
                    found.and_then(|f| f.lines().next()),
                    linear(&probe),
                    "{name} {n} {probe}"
                );
            }
        }
        for probe in ["", "\t", "A", "~", "\u{10ffff}", "Tags", "Name", "Arn"] {
            let found = o.record(probe);
            assert_eq!(
                found.and_then(|f| f.lines().next()),
                linear(probe),
                "{name} {n} {probe:?}"
            );
        }
        assert_eq!(
            o.names().collect::<Vec<_>>(),
            recs.iter().map(|r| r.0).collect::<Vec<_>>()
        );
    }
    assert!(found > 40_000, "{found} properties");
}

/// A table written by hand: `A`, `AB` and `B` in the slots of their hashes (found by probing
/// the way gs-codegen places them), then tables that point elsewhere or are cut short.
#[test]
fn the_hash_table_reads_only_what_its_slots_point_at() {
    let records = "Q\tA\nP\tA\ts\t\r\nP\tAB\ti\tr\nP\tB\tLs\t\n";
    let names = [("A", 4), ("AB", 12), ("B", 21)];
    for (name, at) in names {
        assert!(records[at..].starts_with(&format!("P\t{name}\t")));
    }
    assert_eq!(
        (to_b64(12, 2), to_b64(21, 2), b64(b"1o")),
        ("0<".into(), "0E".into(), 127)
    );
    // Two bits: four slots, three taken; written as gs-codegen writes them.
    let mut slots = vec![None; 4];
    for (name, at) in names {
        let (mut i, tag) = prop_hash(name.as_bytes(), 2);
        while slots[i].is_some() {
            i = (i + 1) % 4;
        }
        slots[i] = Some(format!("{}{}", char::from(tag), to_b64(at, 2)));
    }
    let table: String = slots
        .iter()
        .map(|s| s.clone().unwrap_or("---".into()))
        .collect();
    let text: &'static str = Box::leak(format!("S\t2\t2\t1\t{table}\n{records}").into_boxed_str());
    let o = Owner::new(text);
    assert_eq!(o.records, records);
    assert_eq!(o.required_count(), Some(1));
    let find = |o: &Owner, name| o.record(name).map(|r| r.lines().next().unwrap());
    assert_eq!(find(&o, "A"), Some("A\ts\t"));
    assert_eq!(find(&o, "AB"), Some("AB\ti\tr"));
    assert_eq!(find(&o, "B"), Some("B\tLs\t"));
    for absent in ["", "0", "AA", "ABC", "A\ts", "B\tLs", "C", "\u{1}", "Q"] {
        assert_eq!(find(&o, absent), None, "{absent:?}");
    }
    // Every slot tagged with the name's tag and pointing at the wrong record, or outside the
    // records, or at something else; a table with every slot taken (the probe stops after one
    // round); slots of digits that are not: nothing is found, nothing panics.
    let (_, tag) = prop_hash(b"A", 2);
    let tag = char::from(tag);
    for bad in [
        format!("S\t2\t2\t0\t{tag}0<{tag}0E{tag}0<{tag}0E\n"),
        format!("S\t2\t2\t0\t{tag}99{tag}99{tag}99{tag}99\n"),
        format!("S\t2\t2\t0\t{tag}00{tag}01{tag}02{tag}03\n"),
        format!("S\t2\t2\t0\t{tag}x1{tag}-1{tag}+1{tag} 1\n"),
        "S\t0\t1\t0\t--\n".to_owned(),
    ] {
        let text: &'static str = Box::leak(format!("{bad}{records}").into_boxed_str());
        let o = Owner::new(text);
        assert_eq!(o.records, records, "{bad:?}");
        assert_eq!(find(&o, "A"), None, "{bad:?}");
    }
    // Records not as gs-codegen writes them: skipped, with no table.
    for bad in [
        "S\t2\t2\t0\t---\n",
        "S\t2\t0\t0\t----\n",
        "S\t99\t2\t0\t---\n",
        "S\t2\t2\t0---------\n",
        "S\t\t2\t0\t------------\n",
        "S\t2\t2\t0\t------------X\n",
        "I\t1\t0\n",
    ] {
        let text: &'static str = Box::leak(format!("{bad}{records}").into_boxed_str());
        let o = Owner::new(text);
        assert_eq!(o.required_count(), None, "{bad:?}");
        assert_eq!(find(&o, "A"), None, "{bad:?}");
        if bad.starts_with('S') {
            assert_eq!(o.records, records, "{bad:?}");
        }
    }
}

#[test]
fn the_hash_is_of_the_length_and_the_first_and_last_eight_bytes() {
    // As gs-codegen computes it: the words zero-extended by copying.
    let reference = |name: &[u8]| {
        let word = |from: usize| {
            let mut w = [0u8; 8];
            let chunk = &name[from.min(name.len())..];
            let n = chunk.len().min(8);
            w[..n].copy_from_slice(&chunk[..n]);
            u64::from_le_bytes(w)
        };
        let n = name.len();
        let h = (word(0) ^ word(n.saturating_sub(8)).rotate_left(32) ^ n as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> 60, b'0' + (h >> 26 & 63) as u8)
    };
    let text = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut seen = std::collections::BTreeSet::new();
    for from in 0..4 {
        for len in 0..=text.len() - from {
            let name = &text.as_bytes()[from..from + len];
            let (slot, t) = prop_hash(name, 4);
            assert_eq!((slot as u64, t), reference(name), "{len}");
            assert_eq!(prop_hash(name, 0).0, 0);
            assert!((b'0'..=b'o').contains(&t));
            seen.insert(t);
        }
    }
    // The tags spread: most of the 64 are met.
    assert!(seen.len() > 40, "{}", seen.len());
}

#[test]
fn a_record_s_fields_stop_at_its_line_s_end() {
    let p = parse_prop("A\tLs\tR\tl1,3\te1\x1f2\r\nP\tB\ts\t\tpx\n");
    assert_eq!(
        p.kind,
        Kind::List(Inner {
            text: b"s",
            depth: 1
        })
    );
    assert_eq!(p.replacement, Replacement::Always);
    let c = p.constraints.read();
    assert_eq!(c.allowed().collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(c.length, (Some(1), Some(3)));
    assert_eq!(c.pattern, None);
    let p = parse_prop("A\ts\t\nP\tB\ts\t\tpx\n");
    assert_eq!(p.constraints, Constraints(""));
    assert!(!p.constraints.any());
    let p = parse_prop("A\ts\tM");
    assert_eq!((p.kind, p.replacement), (Kind::String, Replacement::Maybe));
    assert!(!p.constraints.any());
    // An enum's values run to the line's end, whatever ends it (or the text's end).
    for (record, want) in [
        ("A\ts\t\te1\x1f2\nP\tB\ts\t\tex\n", vec!["1", "2"]),
        (
            "A\ts\t\tpx\te1\x1f\x1f2\r\nP\tB\ts\t\tex\n",
            vec!["1", "", "2"],
        ),
        ("A\ts\t\tl1,\te\nP\tB\ts\t\tex\n", vec![""]),
        ("A\ts\t\te1\x1f22", vec!["1", "22"]),
        ("A\ts\t\te1\x1f", vec!["1", ""]),
    ] {
        let c = parse_prop(record).constraints.read();
        assert!(c.has_allowed());
        assert_eq!(c.allowed().collect::<Vec<_>>(), want, "{record:?}");
    }
}

/// A kind written back in the data's notation.
fn encode(k: Kind, out: &mut String) {
    match k {
        Kind::String => out.push('s'),
        Kind::Integer => out.push('i'),
        Kind::Number => out.push('n'),
        Kind::Boolean => out.push('b'),
        Kind::Json => out.push('j'),
        Kind::Any => out.push('a'),
        Kind::Tag => out.push('T'),
        Kind::Null => out.push('z'),
        Kind::List(k) => {
            out.push('L');
            encode(k.get(), out);
        }
        Kind::Map(k) => {
            out.push('M');
            encode(k.get(), out);
        }
        Kind::Nested(n) => out.push_str(&format!("@{n};")),
        Kind::Union(ks) => {
            out.push_str(&format!("U{}", ks.iter().count()));
            for k in ks.iter() {
                encode(k, out);
            }
        }
    }
}

#[test]
fn every_kind_and_constraint_of_the_data_reads_back_as_written() {
    let mut unions = 0;
    for (name, _, o) in owners() {
        for (key, record) in records(&o) {
            let fields: Vec<&str> = record.split('\t').collect();
            let p = parse_prop(record);
            let mut text = String::new();
            encode(p.kind, &mut text);
            assert_eq!(text, fields[1], "{name}.{key}");
            assert!(skip(fields[1].as_bytes(), 0).is_empty(), "{name}.{key}");
            unions += usize::from(fields[1].contains('U'));
            assert_eq!(p.replacement, replacement_in(fields[2]), "{name}.{key}");
            // The constraints, split the plain way; an enum is the last of them.
            assert!(
                fields[3..]
                    .iter()
                    .rev()
                    .skip(1)
                    .all(|f| !f.starts_with('e')),
                "{name}.{key}"
            );
            let c = p.constraints.read();
            let field = |tag: char| fields[3..].iter().find_map(|f| f.strip_prefix(tag));
            assert_eq!(c.pattern, field('p'), "{name}.{key}");
            assert_eq!(
                c.allowed().collect::<Vec<_>>(),
                field('e').map_or(vec![], |e| e.split('\x1f').collect()),
                "{name}.{key}"
            );
            let num = |s: &str| s.parse::<f64>().ok();
            let split = |f: Option<&str>| {
                f.map_or((None, None), |f| {
                    let (a, b) = f.split_once(',').unwrap();
                    (num(a), num(b))
                })
            };
            assert_eq!(c.range, split(field('n')), "{name}.{key}");
            let (a, b) = split(field('l'));
            assert_eq!(c.length, (a.map(|x| x as u64), b.map(|x| x as u64)));
            // The quick answer agrees with the fields read.
            assert_eq!(p.constraints.any(), c.any(), "{name}.{key}");
            assert_eq!(c.any(), c != Bounds::default(), "{name}.{key}");
        }
    }
    assert!(unions > 0);
}

#[test]
fn kinds_nested_past_the_limit_read_as_any_and_are_skipped_whole() {
    let deep: &'static str = Box::leak("L".repeat(40).into_boxed_str());
    let mut k = decode(deep.as_bytes(), 0);
    let mut levels = 0;
    while let Kind::List(inner) = k {
        k = inner.get();
        levels += 1;
    }
    assert_eq!(k, Kind::Any);
    assert_eq!(levels, MAX_KIND_DEPTH + 1);
    let union = decode(b"U2LsM@3;i", 0);
    let Kind::Union(ks) = union else {
        panic!("{union:?}")
    };
    let alts: Vec<Kind> = ks.iter().collect();
    assert!(
        matches!(alts[..], [Kind::List(_), Kind::Map(_)]),
        "{alts:?}"
    );
    assert_eq!(skip(b"U2LsM@3;i", 0), b"i");
    // A union that promises more alternatives than it has reads the missing ones as "any".
    let Kind::Union(ks) = decode(b"U3s", 0) else {
        panic!()
    };
    assert_eq!(
        ks.iter().collect::<Vec<_>>(),
        [Kind::String, Kind::Any, Kind::Any]
    );
}

#[test]
fn a_pattern_is_compiled_once_per_record() {
    let root = lookup("AWS::Kinesis::StreamConsumer")
        .unwrap()
        .root()
        .unwrap();
    let bounds = |o: Owner, name: &str| o.prop(name).unwrap().constraints.read();
    let a = bounds(root, "ConsumerName").matcher().expect("a pattern");
    let b = bounds(root, "ConsumerName").matcher().unwrap();
    assert!(std::ptr::eq(a, b));
    assert!(a.is_match("good-name") && !a.is_match("bad^name"));
    assert!(bounds(root, "StreamARN").matcher().is_some());
    let topic = lookup("AWS::SNS::Topic").unwrap().root().unwrap();
    assert!(bounds(topic, "Tags").matcher().is_none());
}

#[test]
fn has_tab_agrees_with_a_byte_loop_at_every_position_and_length() {
    for len in 0..40 {
        for at in 0..=len {
            // A tab at `at` (or none when `at == len`), look-alikes elsewhere: bytes that
            // differ from a tab by one bit, a zero byte and a high byte.
            let mut bytes: Vec<u8> = (0..len)
                .map(|i| [b'\x08', b'\x0b', 0x89, b'\x19', 0, 0xff, b'a'][i % 7])
                .collect();
            if let Some(b) = bytes.get_mut(at) {
                *b = b'\t';
            }
            assert_eq!(has_tab(&bytes), bytes.contains(&b'\t'), "{bytes:?}");
            // The hash's words say the same, and the hash is the hash.
            let (h, tab) = prop_hash_and_tab(&bytes);
            assert_eq!(tab, bytes.contains(&b'\t'), "{bytes:?}");
            assert_eq!(tag_of(h), prop_hash(&bytes, 5).1, "{bytes:?}");
        }
    }
}

/// A name with a tab names no property, whatever its length, even where it is a record's
/// name, a tab and the start of its kind (`Arn\ts`), which the tag search alone would find.
#[test]
fn a_name_with_a_tab_finds_no_record() {
    let mut seen = 0;
    for (name, _, o) in owners().step_by(5) {
        for (key, record) in records(&o) {
            assert!(o.prop(key).is_some(), "{name}.{key}");
            let kind = record.split('\t').nth(1).unwrap();
            for with_tab in [format!("{key}\t{kind}"), format!("{key}\t")] {
                assert!(o.prop(&with_tab).is_none(), "{name}: {with_tab:?}");
                assert!(o.prop_offset(&with_tab).is_none(), "{name}: {with_tab:?}");
                seen += 1;
            }
        }
    }
    assert!(seen > 1000, "{seen}");
}

/// The one-pass reader of a record's kind, flags and constraints reads what splitting the
/// record on tabs reads, for every record of the data and for flags in any order.
#[test]
fn the_record_reader_agrees_with_a_split_on_tabs() {
    let check = |record: &'static str| {
        let line = record.split(['\n', '\r']).next().unwrap();
        let fields: Vec<&str> = line.split('\t').collect();
        let flags = fields.get(2).copied().unwrap_or("");
        let p = parse_prop(record);
        let mut kind = String::new();
        encode(p.kind, &mut kind);
        assert_eq!(kind, fields[1], "{record:?}");
        assert_eq!(p.required, flags.contains('r'), "{record:?}");
        assert_eq!(p.replacement, replacement_in(flags), "{record:?}");
        let rest = fields.get(3..).map(|f| f.join("\t")).unwrap_or_default();
        let got = p.constraints.0.split(['\n', '\r']).next().unwrap();
        assert_eq!(got, rest, "{record:?}");
    };
    let mut required = 0;
    for (_, _, o) in owners() {
        for (_, record) in records(&o) {
            check(record);
            required += usize::from(parse_prop(record).required);
        }
    }
    assert!(required > 1000, "{required}");
    for record in [
        "A\ts\tMr\tpx\n",
        "A\ts\trM\n",
        "A\ts\tMR\r\n",
        "A\tLs\tRMr\te1\x1f2\tl1,3\r\nP\tB\ts\tr\tpx\n",
        "A\ts\t\tl1,\n",
        "A\ts\t\n",
        "A\ts\t",
        "A\ts",
        "A\t@3;\tr",
    ] {
        check(record);
    }
}

#[test]
fn find_byte_agrees_with_a_byte_loop_at_every_position_and_length() {
    for len in 0..40 {
        for at in 0..=len {
            // The needle at `at` (or nowhere when `at == len`), look-alikes elsewhere: bytes
            // that differ from `\n` by one bit, and a high byte.
            let mut bytes: Vec<u8> = (0..len)
                .map(|i| [b'\x0b', b'\x8a', b'N', 0xff][i % 4])
                .collect();
            if let Some(b) = bytes.get_mut(at) {
                *b = b'\n';
            }
            if at + 3 < len {
                bytes[at + 3] = b'\n';
            }
            let want = bytes.iter().position(|&b| b == b'\n');
            assert_eq!(find_byte(&bytes, b'\n'), want, "{bytes:?}");
        }
    }
}

#[test]
fn attributes_and_read_only_names_are_found_by_binary_search_as_by_a_scan() {
    let probes = ["", "Arn", "Id", "Zzz", "arn", "A", "Arn.X", "\t"];
    for name in type_names() {
        let ty = lookup(name).unwrap();
        let attrs: Vec<&str> = ty.attributes().collect();
        assert!(attrs.windows(2).all(|w| w[0] < w[1]), "{name}: {attrs:?}");
        for a in attrs.iter().chain(&probes) {
            assert_eq!(ty.has_attribute(a), attrs.contains(a), "{name}: {a}");
        }
        for n in 0..ty.owner_count() {
            let o = ty.owner(n).unwrap();
            let ro: Vec<&str> = Fields(Some(o.read_only()).filter(|r| !r.is_empty())).collect();
            assert!(ro.windows(2).all(|w| w[0] < w[1]), "{name}: {ro:?}");
            for r in ro.iter().chain(&probes) {
                assert_eq!(o.is_read_only(r), ro.contains(r), "{name} {n}: {r}");
            }
        }
    }
}

#[test]
fn sorted_fields_contain_finds_every_field_and_nothing_else() {
    let fields = ["a", "ab", "abc", "b", "ba", "c.d", "zz"];
    for n in 0..=fields.len() {
        let record = fields[..n].join("\t");
        for f in fields.iter().chain(&["", "aa", "bb", "c", "zzz", "0", "~"]) {
            assert_eq!(
                sorted_fields_contain(&record, f),
                fields[..n].contains(f),
                "{record:?}: {f}"
            );
        }
    }
}

#[test]
fn the_type_name_hash_spreads_the_data_s_names() {
    let mut slots = std::collections::HashMap::new();
    for name in type_names() {
        *slots.entry(name_hash(name.as_bytes()) % 256).or_insert(0) += 1;
    }
    // About COUNT / 256 per slot: no slot takes a crowd.
    assert!(slots.len() > 200, "{}", slots.len());
    assert!(slots.values().all(|&n| n < 25), "{slots:?}");
    // Short names hash without reading outside them.
    for name in ["", "A", "AWS::", "AWS::S3::B"] {
        name_hash(name.as_bytes());
        assert_eq!(index_of(name), None);
    }
}

#[test]
fn integer_bounds_read_as_the_float_parser_reads_them() {
    for s in [
        "0",
        "7",
        "-1",
        "255",
        "-0",
        "123456789012345",
        "1234567890123456",
        "1.5",
        "1e3",
        "",
        "-",
        "+5",
        "00012",
        "inf",
        "NaN",
        "9".repeat(15).as_str(),
        "1_0",
    ] {
        let want = s.parse::<f64>().ok().filter(|x| x.is_finite());
        assert_eq!(
            parse_num(s).map(f64::to_bits),
            want.map(f64::to_bits),
            "{s}"
        );
    }
}

#[test]
fn patterns_regex_lite_refuses_are_known_before_compiling() {
    let mut refused = 0;
    for p in distinct_patterns() {
        let compiles = regex_lite::Regex::new(p).is_ok();
        if regex_lite_refuses(p) {
            assert!(!compiles, "{p} compiles");
            refused += 1;
        } else if !compiles {
            // What the scan leaves to regex-lite is not look-around or a Unicode class.
            assert!(
                !p.contains("(?=") && !p.contains("(?!") && !p.contains("\\p"),
                "{p} should have been refused by the scan"
            );
            // Nor a class inside a class, which regex-lite does not have.
            assert!(
                !regex_lite::Regex::new(p)
                    .is_err_and(|e| e.to_string().contains("nested character classes")),
                "{p} should have been refused by the scan"
            );
        }
    }
    assert!(refused > 0);
    for (p, refuses) in [
        (r"^(?=a)a$", true),
        (r"^(?!a)b$", true),
        (r"(?<=a)b", true),
        (r"(?<!a)b", true),
        (r"\p{L}+", true),
        (r"[\P{L}]", true),
        (r"(?<name>a)", false),
        (r"\(?=", false),
        (r"[(?=]", false),
        (r"\\p", false),
        (r"a(?:b)", false),
        // A class inside a class: regex-lite has POSIX classes there, nothing else.
        (r"^([a-z@[\]+=])*$", true),
        (r"[[a]]", true),
        (r"[^[a]", true),
        (r"[a-z[]", true),
        (r"[[:alpha:]x]", false),
        (r"[]a[:digit:]]", false),
        (r"\[[a]", false),
        (r"[\[]", false),
        (r"[a]\[b", false),
        (r"a[", true),
    ] {
        assert_eq!(regex_lite_refuses(p), refuses, "{p}");
        if refuses {
            assert!(regex_lite::Regex::new(p).is_err(), "{p}");
        } else {
            assert!(regex_lite::Regex::new(p).is_ok(), "{p}");
        }
    }
}

/// The replacement a record's flags field says, read the plain way (`R` always, `M` maybe).
fn replacement_in(flags: &str) -> Replacement {
    if flags.contains('R') {
        Replacement::Always
    } else if flags.contains('M') {
        Replacement::Maybe
    } else {
        Replacement::Never
    }
}
