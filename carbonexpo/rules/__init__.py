"""Rule packs: each standard's and each jurisdiction's claim rules as versioned data (packs/*.yaml,
validated by rules.pack), judged by named rules in code (rules.named) into a verdict per pack
(rules.check). docs/rules.md is generated from the packs."""
