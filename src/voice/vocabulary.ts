/**
 * @module voice/vocabulary
 * Per-locale words the voice layer and the interaction models share: common
 * list items (the `LIST_ITEM` slot's values, and what the splitter uses to cut
 * "milk eggs and bread" into items), and the names of the two default lists
 * (the `LIST_NAME` slot's values with synonyms).
 */
import type { Locale } from "./intents.ts";

/**
 * Common items, lower case, singular and plural as people say them: groceries,
 * household goods and to-dos (the `LIST_ITEM` values of skill-package/). Words
 * only, no digits, and none that is a whole command on its own ("undo", "help").
 */
export const ITEM_WORDS: Record<Locale, readonly string[]> = {
  "en-US": [
    "milk", "eggs", "bread", "butter", "cheese", "apples", "bananas", "oat milk", "almond milk", "peanut butter",
    "coffee", "tea", "sugar", "flour", "rice", "pasta", "tomatoes", "potatoes", "onions", "chicken",
    "orange juice", "yogurt", "cereal", "paper towels", "toilet paper", "dish soap", "salt", "pepper",
    "mac and cheese", "call mom", "pay rent", "walk the dog",
    // produce
    "oranges", "lemons", "limes", "grapes", "strawberries", "blueberries", "raspberries", "pears", "peaches",
    "cherries", "pineapple", "mango", "watermelon", "avocados", "sweet potatoes", "garlic", "carrots", "celery",
    "cucumbers", "lettuce", "spinach", "kale", "broccoli", "cauliflower", "bell peppers", "zucchini", "mushrooms",
    "corn", "green beans", "peas", "cabbage", "ginger", "cilantro", "parsley", "basil", "green onions",
    // dairy and eggs
    "soy milk", "whole milk", "skim milk", "half and half", "heavy cream", "sour cream", "cream cheese",
    "cottage cheese", "whipped cream", "greek yogurt", "cheddar", "mozzarella", "parmesan", "shredded cheese",
    "cheddar cheese", "parmesan cheese", "chocolate milk",
    // bakery
    "whole wheat bread", "bagels", "tortillas", "english muffins", "hamburger buns", "hot dog buns", "croissants",
    "crackers", "garlic bread",
    // meat and fish
    "chicken breast", "ground beef", "ground turkey", "steak", "bacon", "sausage", "ham", "turkey", "pork chops",
    "deli meat", "hot dogs", "salmon", "shrimp", "tuna",
    // pantry
    "spaghetti", "noodles", "brown sugar", "olive oil", "vegetable oil", "vinegar", "ketchup", "mustard",
    "mayonnaise", "salsa", "soy sauce", "hot sauce", "barbecue sauce", "pasta sauce", "jelly", "jam", "honey",
    "maple syrup", "oatmeal", "granola", "granola bars", "canned tomatoes", "black beans", "chickpeas",
    "chicken broth", "soup", "baking soda", "baking powder", "vanilla extract", "cinnamon", "oregano", "decaf coffee",
    "green tea", "hot chocolate", "apple juice", "sparkling water", "bottled water", "soda", "beer", "wine", "chips",
    "tortilla chips", "chocolate chips", "popcorn", "pretzels", "cookies", "chocolate", "ice cream", "frozen pizza",
    "frozen peas", "frozen vegetables", "almonds", "walnuts", "raisins",
    // pets and baby
    "dog food", "cat food", "cat litter", "baby food", "diapers", "baby wipes",
    // household and personal care
    "tissues", "napkins", "dishwasher detergent", "laundry detergent", "fabric softener", "bleach", "trash bags",
    "aluminum foil", "plastic wrap", "sandwich bags", "sponges", "batteries", "light bulbs", "hand soap", "shampoo",
    "conditioner", "body wash", "toothpaste", "toothbrush", "dental floss", "deodorant", "razors", "sunscreen",
    "lotion", "cotton swabs", "bandages", "vitamins", "cough drops",
    // to-dos
    "call dad", "take out the trash", "do the laundry", "water the plants", "clean the kitchen", "clean the bathroom",
    "vacuum", "mow the lawn", "wash the car", "pay the bills", "pay the electric bill", "book a dentist appointment",
    "make a doctor's appointment", "pick up the dry cleaning", "return the library books", "buy a birthday card",
    "feed the cat", "change the sheets", "empty the dishwasher", "clean out the fridge", "get an oil change",
    "fix the faucet", "pick up the kids", "call the plumber", "renew my passport", "go to the gym", "do the taxes",
    "send a thank you card",
  ],
  "en-GB": [
    "milk", "eggs", "bread", "butter", "cheese", "apples", "bananas", "oat milk", "almond milk", "peanut butter",
    "coffee", "tea", "sugar", "flour", "rice", "pasta", "tomatoes", "potatoes", "onions", "chicken",
    "orange juice", "yoghurt", "cereal", "kitchen roll", "toilet roll", "washing up liquid", "salt", "pepper",
    "fish and chips", "call mum", "pay rent", "walk the dog",
    // fruit and veg
    "oranges", "lemons", "limes", "grapes", "strawberries", "blueberries", "raspberries", "pears", "peaches",
    "cherries", "pineapple", "mango", "melon", "avocados", "sweet potatoes", "new potatoes", "garlic", "carrots",
    "celery", "cucumber", "lettuce", "rocket", "spinach", "broccoli", "cauliflower", "peppers", "courgettes",
    "aubergines", "mushrooms", "sweetcorn", "green beans", "peas", "cabbage", "leeks", "parsnips", "swede",
    "spring onions", "ginger", "coriander", "parsley", "basil",
    // dairy and eggs
    "soya milk", "semi skimmed milk", "skimmed milk", "whole milk", "single cream", "double cream", "clotted cream",
    "creme fraiche", "sour cream", "cream cheese", "cottage cheese", "greek yoghurt", "cheddar", "mozzarella",
    "parmesan", "grated cheese", "cheddar cheese", "free range eggs",
    // bakery
    "wholemeal bread", "sliced bread", "bread rolls", "crumpets", "teacakes", "scones", "bagels", "wraps",
    "croissants", "crackers", "garlic bread", "mince pies",
    // meat and fish
    "chicken breasts", "mince", "beef mince", "sausages", "bacon", "ham", "gammon", "pork chops", "steak", "turkey",
    "salmon", "cod", "prawns", "tuna", "fish fingers",
    // cupboard
    "spaghetti", "noodles", "plain flour", "self raising flour", "caster sugar", "icing sugar", "brown sugar",
    "olive oil", "vegetable oil", "vinegar", "ketchup", "brown sauce", "mustard", "mayonnaise", "soy sauce",
    "pasta sauce", "gravy granules", "stock cubes", "baked beans", "tinned tomatoes", "chopped tomatoes", "chickpeas",
    "soup", "jam", "marmalade", "honey", "golden syrup", "porridge oats", "cornflakes", "muesli", "tea bags",
    "decaf coffee", "hot chocolate", "apple juice", "squash", "lemonade", "sparkling water", "fizzy water", "beer",
    "wine", "crisps", "biscuits", "digestives", "chocolate biscuits", "chocolate", "sweets", "ice cream", "custard",
    "frozen pizza", "frozen peas", "oven chips", "almonds", "walnuts", "raisins", "baking powder", "bicarbonate of soda",
    "cinnamon", "mixed herbs",
    // pets and baby
    "dog food", "cat food", "cat litter", "baby food", "nappies", "baby wipes",
    // household and toiletries
    "tissues", "napkins", "washing powder", "washing up gloves", "dishwasher tablets", "fabric conditioner", "bleach",
    "bin bags", "tin foil", "cling film", "freezer bags", "sponges", "batteries", "light bulbs", "hand wash",
    "shampoo", "conditioner", "shower gel", "toothpaste", "toothbrush", "dental floss", "deodorant", "razors",
    "sun cream", "cotton buds", "plasters", "paracetamol", "vitamins",
    // to-dos
    "call dad", "ring the plumber", "put the bins out", "do the washing", "hoover the lounge", "water the plants",
    "clean the kitchen", "clean the bathroom", "mow the lawn", "wash the car", "pay the bills", "pay the council tax",
    "book a dentist appointment", "book a doctor's appointment", "pick up the dry cleaning",
    "take the library books back", "buy a birthday card", "feed the cat", "change the bedding",
    "empty the dishwasher", "clean out the fridge", "pick up the kids", "renew my passport", "post the parcel",
    "go to the gym", "send a thank you card",
  ],
  "de-DE": [
    "milch", "eier", "brot", "butter", "käse", "äpfel", "bananen", "hafermilch", "mandelmilch", "kaffee",
    "tee", "zucker", "mehl", "reis", "nudeln", "tomaten", "kartoffeln", "zwiebeln", "hähnchen", "orangensaft",
    "joghurt", "müsli", "küchenrolle", "toilettenpapier", "spülmittel", "salz", "pfeffer", "mama anrufen",
    "miete zahlen", "mit dem hund gehen",
    // Obst und Gemüse
    "orangen", "zitronen", "limetten", "weintrauben", "erdbeeren", "heidelbeeren", "himbeeren", "birnen", "pfirsiche",
    "kirschen", "ananas", "mango", "wassermelone", "avocados", "süßkartoffeln", "knoblauch", "karotten", "möhren",
    "gurke", "salat", "feldsalat", "spinat", "brokkoli", "blumenkohl", "paprika", "zucchini", "champignons", "pilze",
    "mais", "grüne bohnen", "erbsen", "rotkohl", "sauerkraut", "lauch", "sellerie", "ingwer", "petersilie",
    "schnittlauch", "basilikum", "radieschen", "kohlrabi", "spargel",
    // Milchprodukte und Eier
    "vollmilch", "fettarme milch", "sojamilch", "buttermilch", "sahne", "schlagsahne", "saure sahne", "schmand",
    "frischkäse", "quark", "naturjoghurt", "griechischer joghurt", "gouda", "mozzarella", "parmesan", "reibekäse",
    "freilandeier",
    // Brot und Backwaren
    "vollkornbrot", "toastbrot", "brötchen", "brezeln", "croissants", "knäckebrot", "zwieback", "aufbackbrötchen",
    // Fleisch und Fisch
    "hähnchenbrust", "hackfleisch", "rinderhack", "schnitzel", "bratwurst", "würstchen", "speck", "schinken",
    "salami", "aufschnitt", "leberwurst", "lachs", "thunfisch", "fischstäbchen", "garnelen",
    // Vorrat
    "spaghetti", "puderzucker", "olivenöl", "sonnenblumenöl", "essig", "ketchup", "senf", "mayonnaise", "tomatenmark",
    "passierte tomaten", "dosentomaten", "gemüsebrühe", "honig", "marmelade", "erdnussbutter", "haferflocken",
    "cornflakes", "kaffeebohnen", "grüner tee", "kakao", "apfelsaft", "mineralwasser", "sprudel", "cola", "bier",
    "rotwein", "weißwein", "chips", "salzstangen", "kekse", "schokolade", "gummibärchen", "eis", "tiefkühlpizza",
    "tiefkühlgemüse", "nüsse", "mandeln", "walnüsse", "rosinen", "backpulver", "hefe", "vanillezucker", "zimt",
    "linsen", "kichererbsen", "kidneybohnen",
    // Haustier und Baby
    "hundefutter", "katzenfutter", "katzenstreu", "babynahrung", "windeln", "feuchttücher",
    // Haushalt und Drogerie
    "klopapier", "taschentücher", "servietten", "spülmaschinentabs", "waschmittel", "weichspüler", "müllbeutel",
    "alufolie", "frischhaltefolie", "backpapier", "gefrierbeutel", "schwämme", "batterien", "glühbirnen", "handseife",
    "duschgel", "shampoo", "spülung", "zahnpasta", "zahnbürste", "zahnseide", "deo", "rasierer", "sonnencreme",
    "wattestäbchen", "pflaster", "vitamine", "kopfschmerztabletten",
    // Aufgaben
    "papa anrufen", "oma anrufen", "müll rausbringen", "wäsche waschen", "blumen gießen", "staubsaugen", "bad putzen",
    "küche aufräumen", "rasen mähen", "auto waschen", "rechnungen bezahlen", "zahnarzttermin machen",
    "arzttermin vereinbaren", "bücher zurückbringen", "geburtstagskarte kaufen", "katze füttern", "betten beziehen",
    "spülmaschine ausräumen", "kühlschrank putzen", "reifen wechseln", "steuererklärung machen",
    "pfandflaschen wegbringen", "altglas wegbringen", "paket abholen", "kinder abholen", "fenster putzen",
    "handwerker anrufen", "pass verlängern",
  ],
};

/** How people name the two default lists (first entry: how the bridge says it). */
export const LIST_SYNONYMS: Record<Locale, { shopping: readonly string[]; todo: readonly string[] }> = {
  "en-US": { shopping: ["shopping", "grocery", "groceries", "shopping list"], todo: ["to-do", "to do", "todo", "task", "tasks", "to-do list"] },
  "en-GB": { shopping: ["shopping", "grocery", "groceries", "shopping list"], todo: ["to-do", "to do", "todo", "task", "tasks", "to-do list"] },
  "de-DE": { shopping: ["Einkaufsliste", "Einkaufszettel", "Einkauf", "Einkäufe"], todo: ["To-do-Liste", "Aufgabenliste", "Aufgaben", "Todo-Liste", "To-do"] },
};
