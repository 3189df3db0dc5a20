/** Common Danish names (Danmarks Statistik's most frequent), for synthetic demo patients. */
export const MALE_FIRST_NAMES = [
  'Peter', 'Jens', 'Michael', 'Lars', 'Henrik', 'Thomas', 'Søren', 'Jan', 'Niels', 'Christian', 'Martin', 'Anders',
  'Morten', 'Jesper', 'Hans', 'Per', 'Erik', 'Ole', 'Poul', 'Bent', 'Jørgen', 'Kim', 'Torben', 'Steen', 'Finn',
  'Flemming', 'Kurt', 'Preben', 'Bjarne', 'John', 'Carsten', 'Svend', 'Leif', 'Knud', 'Allan', 'Kaj', 'Frank',
  'Brian', 'Rasmus', 'Jakob',
] as const;

export const FEMALE_FIRST_NAMES = [
  'Anne', 'Kirsten', 'Hanne', 'Mette', 'Anna', 'Helle', 'Susanne', 'Lene', 'Maria', 'Marianne', 'Lone', 'Camilla',
  'Pia', 'Louise', 'Charlotte', 'Inge', 'Bente', 'Tina', 'Gitte', 'Karen', 'Birgit', 'Jytte', 'Lis', 'Grethe',
  'Ruth', 'Else', 'Hanna', 'Eva', 'Annette', 'Dorthe', 'Vibeke', 'Merete', 'Jette', 'Birthe', 'Ulla', 'Jonna',
  'Tove', 'Winnie', 'Connie', 'Lotte',
] as const;

export const SURNAMES = [
  'Nielsen', 'Jensen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen', 'Larsen', 'Sørensen', 'Rasmussen',
  'Jørgensen', 'Petersen', 'Madsen', 'Kristensen', 'Olsen', 'Thomsen', 'Christiansen', 'Poulsen', 'Johansen',
  'Møller', 'Mortensen', 'Knudsen', 'Jakobsen', 'Mikkelsen', 'Olesen', 'Frederiksen', 'Laursen', 'Henriksen',
  'Lund', 'Schmidt', 'Eriksen', 'Holm', 'Kristiansen', 'Clausen', 'Simonsen', 'Svendsen', 'Andreasen', 'Iversen',
  'Jeppesen', 'Mogensen', 'Jacobsen', 'Vestergaard', 'Nissen', 'Lauridsen', 'Kjær', 'Dam', 'Bach', 'Østergaard',
  'Skov', 'Bertelsen', 'Kjeldsen',
] as const;

export const MIDDLE_NAMES = ['Holm', 'Skov', 'Munk', 'Bech', 'Friis', 'Krogh', 'Lykke', 'Dahl', 'Juul', 'Bak'] as const;
