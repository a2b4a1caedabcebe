#pragma once
// KCSIM_ALWAYS_INLINE: for the per-firm functions the firm passes call once per firm. Inlined,
// they see the loop's local copy of the column pointers (model/firm_columns.hpp) and keep them
// in registers; called, they make it escape, and every byte store then reloads them.
#if defined(__GNUC__) || defined(__clang__)
#define KCSIM_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define KCSIM_ALWAYS_INLINE inline
#endif
