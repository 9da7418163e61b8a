// The page's entry: the code lives in src/web (typechecked with the CLI's sources).
import '../src/web/main.ts';
