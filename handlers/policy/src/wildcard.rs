//! `*` (any run of characters, also none) and `?` (exactly one) as IAM matches them in
//! actions, resources and the `*Like` condition operators.

/// Whether `text` matches `pattern`; `ignore_case` for actions, which IAM compares
/// without regard to case.
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| if ignore_case { a.to_lowercase().eq(b.to_lowercase()) } else { a == b };
    // Iterative matching with one backtrack point: linear in practice, no recursion.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || eq(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_questions() {
        assert!(matches("s3:*", "s3:GetObject", false));
        assert!(matches("s3:Get*", "S3:getobject", true));
        assert!(!matches("s3:Get*", "S3:getobject", false));
        assert!(matches("*", "", false));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "ac", false));
        assert!(matches("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/1/2/x", false));
        assert!(!matches("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/1/2/y", false));
        assert!(matches("*a*b*", "xxaxxbxx", false));
    }

    /// Property: agrees with a regex built from the same pattern, on random inputs.
    #[test]
    fn agrees_with_regex_translation() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = ['a', 'b', 'A', ':', '/'];
        for _ in 0..5000 {
            let plen = (next() % 7) as usize;
            let pattern: String = (0..plen)
                .map(|_| match next() % 7 {
                    0 => '*',
                    1 => '?',
                    n => alphabet[(n as usize) % alphabet.len()],
                })
                .collect();
            let tlen = (next() % 8) as usize;
            let text: String = (0..tlen).map(|_| alphabet[(next() as usize) % alphabet.len()]).collect();
            for ignore_case in [false, true] {
                let mut re = String::from(if ignore_case { "(?is)^" } else { "(?s)^" });
                for c in pattern.chars() {
                    match c {
                        '*' => re.push_str(".*"),
                        '?' => re.push('.'),
                        c => re.push_str(&regex::escape(&c.to_string())),
                    }
                }
                re.push('$');
                let expected = regex::Regex::new(&re).unwrap().is_match(&text);
                assert_eq!(matches(&pattern, &text, ignore_case), expected, "{pattern:?} vs {text:?}");
            }
        }
    }
}
