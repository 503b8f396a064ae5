//! Writes the file the `structured` target generates from a libFuzzer input, to turn a crash
//! into a golden case: `cargo run --example generate -- INPUT OUTPUT`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = &args[..] else {
        eprintln!("usage: generate INPUT OUTPUT");
        std::process::exit(2);
    };
    let data = std::fs::read(input).expect("read the input");
    std::fs::write(output, orgsync_fuzz::generate(&data)).expect("write the output");
}
