fn main() {
    let mut s = String::new();
    s.push_str("incident_ref: INC-1\nroot_cause:\n  five_whys:\n    - why_1: \"x\"\n");
    for i in 0..220 {
        s.push_str(&format!("  - id: AI-{i:03}\n    statement: 增加 rollback gate 於部署流程 [report §3]\n    owner: team-x\n    due: 2026-01-01\n    severity: P1\n"));
    }
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_yaml::LANGUAGE.into()).unwrap();
    println!("lines {} bytes {}", s.lines().count(), s.len());
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let tree = p.parse(&s, None).unwrap();
        println!("{:?} {}", t.elapsed(), tree.root_node().child_count());
    }
}
