/** Function words of German and English, folded to lower case, left out of sentence similarity. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [
    // German
    "aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bereits bis bisher",
    "bin bist da dabei dadurch dafür dagegen daher damit dann dar daran darauf darin darum das dass davon dazu dem den",
    "denen denn der deren des deshalb dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine",
    "einem einen einer eines einige einmal er es etwa etwas euch für gegen gegenüber gewesen hat hatte hatten hier",
    "hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer in indem ins ist ja je jedoch jetzt kann",
    "kaum kein keine keinen keiner können könnte laut man mehr mein meine mit muss müssen nach nachdem nein nicht",
    "nichts noch nun nur ob oder ohne per pro schon sehr sein seine seinem seinen seiner seit sich sie sind so sodass",
    "soll sollen sollte sondern sowie über um und uns unser unsere unter viel vom von vor wann war waren warum was",
    "weil weiter weitere welche welchem welchen welcher wenn wer werde werden wie wieder will wir wird wo wurde",
    "wurden zu zum zur zwar zwischen heißt heisst sagte sei seien habe haben derzeit zudem sowohl gibt geben",
    // English
    "a about above after again against all am an and any are as at be because been before being below between both",
    "but by can could did do does doing down during each few for from further had has have having he her here hers",
    "him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our",
    "out over own said same she should so some such than that the their them then there these they this those",
    "through to too under until up very was we were what when where which while who whom why will with would you",
    "your also says say according new one two last year years week",
  ]
    .join(" ")
    .split(" "),
);
