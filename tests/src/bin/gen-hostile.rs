//! Writes the hostile and broken inputs of `orgsync_tests::hostile` to a folder, for the limits
//! script to run the CLI on: `gen-hostile DIR [CASE...]` (every case when none is named).

use orgsync_tests::hostile;
use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen-hostile DIR [CASE...]");
        std::process::exit(2);
    };
    let wanted: Vec<String> = args.collect();
    std::fs::create_dir_all(&dir).expect("create the folder");
    for (name, _, what) in hostile::CASES {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let path = std::path::Path::new(&dir).join(format!("{name}.csv"));
        let mut file = std::fs::File::create(&path).expect("create the file");
        hostile::write(name, &mut file)
            .expect("a known case")
            .expect("write the file");
        file.flush().expect("flush");
        println!("{}\t{what}", path.display());
    }
}
