/** The data's alias field: other symbols of the same company, separated by ";" ("A;B"). */
export function splitAliases(field: string): string[] {
  return field === "" ? [] : field.split(";").map((a) => a.trim()).filter(Boolean);
}
