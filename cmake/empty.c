/* SPDX-License-Identifier: Apache-2.0 */
/* empty.c: stands in for a folder library that has no source file yet. */
typedef int gf_empty_translation_unit;
