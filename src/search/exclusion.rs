//! Exclusions (`-word`, `-"a phrase"`) worked out in full before they exclude anything.
//!
//! tantivy excludes by seeking the excluded clause's scorer to each candidate in turn.
//! Its phrase scorer may by then stand past the candidate (it moved ahead on an earlier
//! candidate that it did not hold), and it asserts that it is never sought backwards:
//! debug builds panic on `+a -"b c"` (tantivy issue #2811, still so in 0.27). The
//! `search_query` fuzz target found it. Here an excluded clause's documents are listed
//! once per segment into a bit set, which answers seeks in any order, so the exclusion
//! does not depend on how the phrase scorer moves.

use tantivy::query::{
    BitSetDocSet, BooleanQuery, ConstScorer, EnableScoring, Explanation, Occur, Query, Scorer,
    Weight,
};
use tantivy::{BitSet, DocId, Score, SegmentReader};

/// `query` with each excluded clause, at any depth of its boolean queries, listed in
/// full first (see the module's comment). Other queries are returned as they are.
pub fn listed_exclusions(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return query;
    };
    let clauses = boolean
        .clauses()
        .iter()
        .map(|(occur, sub)| {
            let sub = match occur {
                Occur::MustNot => Box::new(Listed(sub.box_clone())) as Box<dyn Query>,
                Occur::Must | Occur::Should => listed_exclusions(sub.box_clone()),
            };
            (*occur, sub)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// A query that matches what its inner query matches, each segment's documents found
/// in one pass and kept in a bit set. Its score is constant: it only ever excludes.
#[derive(Debug)]
struct Listed(Box<dyn Query>);

impl Clone for Listed {
    fn clone(&self) -> Self {
        Listed(self.0.box_clone())
    }
}

impl Query for Listed {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ListedWeight(self.0.weight(scoring)?)))
    }
}

struct ListedWeight(Box<dyn Weight>);

impl Weight for ListedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        self.0.for_each_no_score(reader, &mut |batch: &[DocId]| {
            for &doc in batch {
                docs.insert(doc);
            }
        })?;
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}
