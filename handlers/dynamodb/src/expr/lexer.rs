//! Tokens of the expression languages, with their byte spans so syntax errors can quote
//! the text around the offending token as AWS does.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A bare word: an attribute name, keyword or function name.
    Ident(String),
    /// `#name`
    Name(String),
    /// `:value`
    Value(String),
    /// Digits (list indexes).
    Number(String),
    /// Operators and punctuation: = <> < <= > >= ( ) [ ] , . + -
    Punct(&'static str),
    /// A character no rule accepts; the parser reports it as a syntax error.
    Other(char),
    Eof,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

pub(crate) fn lex(src: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let take_word = |it: &mut std::iter::Peekable<std::str::CharIndices>| {
            let mut end = src.len();
            while let Some(&(i, c)) = it.peek() {
                if is_word(c) {
                    it.next();
                } else {
                    end = i;
                    break;
                }
            }
            end
        };
        match c {
            '#' | ':' => {
                it.next();
                let end = take_word(&mut it);
                let text = src[start..end].to_string();
                // A bare `#` or `:` is no placeholder: a syntax error at that character.
                let tok = if end == start + 1 {
                    Tok::Other(c)
                } else if c == '#' {
                    Tok::Name(text)
                } else {
                    Tok::Value(text)
                };
                out.push(Token { tok, start, end });
                continue;
            }
            c if c.is_ascii_digit() => {
                // A run of digits only: `123abc` is a number followed by a name, which
                // the parser then refuses, as DynamoDB's lexer does.
                let mut end = src.len();
                while let Some(&(i, c)) = it.peek() {
                    if c.is_ascii_digit() {
                        it.next();
                    } else {
                        end = i;
                        break;
                    }
                }
                out.push(Token { tok: Tok::Number(src[start..end].to_string()), start, end });
                continue;
            }
            // Names start with a letter; a leading `_` is a token of its own (an error).
            c if c.is_ascii_alphabetic() => {
                let end = take_word(&mut it);
                out.push(Token { tok: Tok::Ident(src[start..end].to_string()), start, end });
                continue;
            }
            _ => {
                it.next();
                let next = it.peek().map(|&(_, c)| c);
                let two = |it: &mut std::iter::Peekable<std::str::CharIndices>, p: &'static str| {
                    it.next();
                    (Tok::Punct(p), 2)
                };
                let (tok, len) = match (c, next) {
                    ('<', Some('>')) => two(&mut it, "<>"),
                    ('<', Some('=')) => two(&mut it, "<="),
                    ('>', Some('=')) => two(&mut it, ">="),
                    ('=', _) => (Tok::Punct("="), 1),
                    ('<', _) => (Tok::Punct("<"), 1),
                    ('>', _) => (Tok::Punct(">"), 1),
                    ('(', _) => (Tok::Punct("("), 1),
                    (')', _) => (Tok::Punct(")"), 1),
                    ('[', _) => (Tok::Punct("["), 1),
                    (']', _) => (Tok::Punct("]"), 1),
                    (',', _) => (Tok::Punct(","), 1),
                    ('.', _) => (Tok::Punct("."), 1),
                    ('+', _) => (Tok::Punct("+"), 1),
                    ('-', _) => (Tok::Punct("-"), 1),
                    (c, _) => (Tok::Other(c), c.len_utf8()),
                };
                out.push(Token { tok, start, end: start + len });
                continue;
            }
        }
    }
    out.push(Token { tok: Tok::Eof, start: src.len(), end: src.len() });
    out
}

impl Token {
    /// The token's text as AWS quotes it (`<EOF>` at the end).
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        if self.tok == Tok::Eof {
            "<EOF>"
        } else {
            &src[self.start..self.end]
        }
    }
}
