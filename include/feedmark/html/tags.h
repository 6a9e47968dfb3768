#pragma once

// What HTML's parsing rules say of element kinds, for the guard that bounds
// a fragment before gumbo parses it (private to the extract stage).

#include <gumbo.h>

namespace feedmark {

/// HTML's void elements: no content, no end tag.
bool is_void(GumboTag tag);
/// Never kept open in the guard's estimate of the open elements.
bool never_stays_open(GumboTag tag);
/// A start tag that first closes an open <p> (HTML §13.2.6.4.7).
bool closes_p(GumboTag tag);
/// HTML §13.2.4.2's "special" elements.
bool is_special(GumboTag tag);
/// <tr>, <td>, <th>: ignored by the parser outside a table.
bool is_table_part(GumboTag tag);
/// Elements whose content is raw text: no tags inside.
bool has_raw_text(GumboTag tag);
/// Elements kept in the list of active formatting elements.
bool is_formatting(GumboTag tag);

}  // namespace feedmark
