<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>Pix2GifTrainingBackend</name>
    <message>
        <location filename="../core/bridge/pix2gif_training_backend.cpp" line="+110"/>
        <source>training is already running; stop it first</source>
        <translation>das Training läuft bereits; beenden Sie es zuerst</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no training pairs: import clips in the Dataset tab first</source>
        <translation>keine Trainingspaare: importieren Sie zuerst Clips im Reiter „Datensatz“</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no base model: choose a Pix2Gif model (or an SD-1.5 checkpoint) to start from</source>
        <translation>kein Ausgangsmodell: wählen Sie ein Pix2Gif-Modell (oder einen SD-1.5-Checkpoint) als Ausgangspunkt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>base model %1 not found; choose an existing model file or folder</source>
        <translation>Ausgangsmodell %1 nicht gefunden; wählen Sie eine vorhandene Modelldatei oder einen vorhandenen Modellordner</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>choose an output folder for checkpoints and samples</source>
        <translation>wählen Sie einen Ausgabeordner für Checkpoints und Beispielbilder</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 training is not available: the CPU trainer trains in float32</source>
        <translation>Training in %1 ist nicht verfügbar: der CPU-Trainer trainiert in float32</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 is not a Pix2Gif model</source>
        <translation>%1 ist kein Pix2Gif-Modell</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cannot read the base model: %1</source>
        <translation>das Ausgangsmodell kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cannot create the output folder %1</source>
        <translation>der Ausgabeordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>cannot prepare the training data: %1</source>
        <translation>die Trainingsdaten können nicht vorbereitet werden: %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/main.cpp" line="+34"/>
        <source>Still image to animation studio</source>
        <translation>Animationsstudio für Standbilder</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>An image, video or .smproj project to open.</source>
        <translation>Ein Bild, Video oder .smproj-Projekt zum Öffnen.</translation>
    </message>
</context>
<context>
    <name>sm::core::EngineBackend</name>
    <message>
        <location filename="../core/bridge/engine_backend.cpp" line="+110"/>
        <source>reading weights</source>
        <translation>lese Gewichte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>building the model</source>
        <translation>baue das Modell auf</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>moving to the device</source>
        <translation>übertrage auf das Gerät</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>loaded</source>
        <translation>geladen</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1: not found. Add the weights again in the Model Manager, or pick another model.</source>
        <translation>%1: nicht gefunden. Fügen Sie die Gewichte in der Modellverwaltung erneut hinzu oder wählen Sie ein anderes Modell.</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>No model is loaded. Pick a model first.</source>
        <translation>Kein Modell geladen. Wählen Sie zuerst ein Modell.</translation>
    </message>
</context>
<context>
    <name>sm::ui::ExportDialog</name>
    <message>
        <location filename="../ui/export_dialog.cpp" line="+61"/>
        <location line="+200"/>
        <source>Export Animation</source>
        <translation>Animation exportieren</translation>
    </message>
    <message>
        <location line="-195"/>
        <source>GIF animation</source>
        <translation>GIF-Animation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MP4 video (H.264)</source>
        <translation>MP4-Video (H.264)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Animated WebP</source>
        <translation>Animiertes WebP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PNG sequence (folder)</source>
        <translation>PNG-Sequenz (Ordner)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF plays everywhere but has 256 colours; MP4 is smallest for long clips but does not loop by itself; WebP has full colour and alpha; a PNG sequence keeps every frame lossless for further editing.</source>
        <translation>GIF läuft überall, hat aber nur 256 Farben; MP4 ist bei langen Clips am kleinsten, läuft aber nicht von selbst in Schleife; WebP hat volle Farbtiefe und Alpha; eine PNG-Sequenz bewahrt jedes Einzelbild verlustfrei für die Weiterbearbeitung.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Where the file (or, for a PNG sequence, the folder) is written.</source>
        <translation>Wohin die Datei (bei einer PNG-Sequenz der Ordner) geschrieben wird.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose the file to write.</source>
        <translation>Die zu schreibende Datei wählen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Higher quality: fewer artefacts and a larger file. GIF: palette accuracy and how exactly unchanged pixels are kept; MP4: the CRF; WebP: lossy quality.</source>
        <translation>Höhere Qualität: weniger Artefakte und eine größere Datei. GIF: Genauigkeit der Palette und wie exakt unveränderte Pixel erhalten bleiben; MP4: der CRF-Wert; WebP: verlustbehaftete Qualität.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>GIF palette size. Fewer colours: a smaller file with more banding.</source>
        <translation>Größe der GIF-Palette. Weniger Farben: kleinere Datei mit mehr Farbstufen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GIF colours</source>
        <translation>GIF-Farben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One palette for all frames</source>
        <translation>Eine Palette für alle Einzelbilder</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A palette per frame</source>
        <translation>Eine Palette pro Einzelbild</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One palette keeps colours steady and the file small; a palette per frame suits clips whose colours change a lot.</source>
        <translation>Eine Palette hält die Farben stabil und die Datei klein; eine Palette pro Einzelbild passt zu Clips, deren Farben sich stark ändern.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF palette</source>
        <translation>GIF-Palette</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>GIF dithering strength: more hides banding in gradients but adds grain and size.</source>
        <translation>Stärke des GIF-Ditherings: mehr verdeckt Farbstufen in Verläufen, erzeugt aber Körnung und eine größere Datei.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GIF dithering</source>
        <translation>GIF-Dithering</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>forever</source>
        <translation>endlos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many times GIF and WebP play: forever, or a number of plays.</source>
        <translation>Wie oft GIF und WebP abgespielt werden: endlos oder eine bestimmte Anzahl.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plays</source>
        <translation>Wiedergaben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ping-pong (forwards, then backwards)</source>
        <translation>Ping-Pong (vorwärts, dann rückwärts)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Append the frames in reverse so the loop has no jump back to the start.</source>
        <translation>Hängt die Einzelbilder rückwärts an, damit die Schleife ohne Sprung zum Anfang läuft.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fit under</source>
        <translation>Kleiner als</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lower quality, colours, size and finally the frame rate until the file is under this size (GIF and WebP).</source>
        <translation>Senkt Qualität, Farben, Größe und zuletzt die Bildrate, bis die Datei unter dieser Größe liegt (GIF und WebP).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The largest file size to aim for (with Fit under checked).</source>
        <translation>Die größte angestrebte Dateigröße (wenn „Kleiner als“ aktiviert ist).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Size budget</source>
        <translation>Größenbudget</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n frame(s) at %1 fps</source>
        <translation>
            <numerusform>%n Einzelbild mit %1 fps</numerusform>
            <numerusform>%n Einzelbilder mit %1 fps</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Encode the frames and write the file; the dialog stays open with the result.</source>
        <translation>Die Einzelbilder kodieren und die Datei schreiben; der Dialog bleibt mit dem Ergebnis geöffnet.</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>Export PNG Sequence to Folder</source>
        <translation>PNG-Sequenz in Ordner exportieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF animation (*.gif)</source>
        <translation>GIF-Animation (*.gif)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4-Video (*.mp4)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Animated WebP (*.webp)</source>
        <translation>Animiertes WebP (*.webp)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>There are no generated frames to export.</source>
        <translation>Es gibt keine erzeugten Einzelbilder zum Exportieren.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose where to export to.</source>
        <translation>Wählen Sie das Exportziel.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Exporting; searching for settings that fit the size budget…</source>
        <translation>Export läuft; suche Einstellungen, die ins Größenbudget passen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exporting…</source>
        <translation>Export läuft…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>Wrote %1: %2, %n frame(s)</source>
        <translation>
            <numerusform>%1 geschrieben: %2, %n Einzelbild</numerusform>
            <numerusform>%1 geschrieben: %2, %n Einzelbilder</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (fitted: quality %1, %2 colours, scale %3%, frame step %4, %5 trial encodes)</source>
        <translation> (angepasst: Qualität %1, %2 Farben, Skalierung %3 %, Bildschritt %4, %5 Probekodierungen)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>sm::ui::FrameInspector</name>
    <message>
        <location filename="../ui/frame_inspector.cpp" line="+30"/>
        <source>The current frame as generated.</source>
        <translation>Das aktuelle Einzelbild, wie es erzeugt wurde.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Own prompt</source>
        <translation>Eigener Prompt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give this frame a prompt of its own instead of the project prompt, e.g. to make something happen in this frame only.</source>
        <translation>Gibt diesem Einzelbild statt des Projekt-Prompts einen eigenen, z. B. damit nur in diesem Bild etwas geschieht.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This frame&apos;s prompt. Empty means an explicitly empty prompt (the model sees no text).</source>
        <translation>Der Prompt dieses Einzelbilds. Leer bedeutet einen ausdrücklich leeren Prompt (das Modell sieht keinen Text).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This frame&apos;s Pix2Gif motion: how far things have moved from the source in this frame (optical-flow pixels, 2–19). The same as dragging its point on the motion curve.</source>
        <translation>Pix2Gif-Bewegung dieses Einzelbilds: wie weit sich die Dinge gegenüber der Quelle bewegt haben (Pixel des optischen Flusses, 2–19). Dasselbe wie das Ziehen seines Punkts auf der Bewegungskurve.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Motion</source>
        <translation>Bewegung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This frame&apos;s seed. A seed of its own gives this frame a different variation while the others stay.</source>
        <translation>Der Seed dieses Einzelbilds. Ein eigener Seed gibt diesem Bild eine andere Variante, während die anderen bleiben.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use project seed</source>
        <translation>Projekt-Seed verwenden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set this frame&apos;s seed back to the project seed.</source>
        <translation>Setzt den Seed dieses Einzelbilds auf den Projekt-Seed zurück.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>No frame selected</source>
        <translation>Kein Einzelbild ausgewählt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Select a frame in the timeline to give it its own prompt, motion or seed.</source>
        <translation>Wählen Sie in der Zeitleiste ein Einzelbild, um ihm einen eigenen Prompt, eine eigene Bewegung oder einen eigenen Seed zu geben.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Frame %1 of %2</source>
        <translation>Einzelbild %1 von %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not generated yet</source>
        <translation>noch nicht erzeugt</translation>
    </message>
</context>
<context>
    <name>sm::ui::FrameStrip</name>
    <message>
        <location filename="../ui/frame_strip.cpp" line="+48"/>
        <source>Frames in playback order. Click to select (Ctrl: add, Shift: range), drag to reorder, Delete to remove, double-click to show a frame in the preview.</source>
        <translation>Einzelbilder in Abspielreihenfolge. Klicken zum Auswählen (Strg: hinzufügen, Umschalt: Bereich), Ziehen zum Umordnen, Entf zum Entfernen, Doppelklick zeigt ein Bild in der Vorschau.</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>No frames yet: set the number of frames or press Generate.</source>
        <translation>Noch keine Einzelbilder: Legen Sie die Anzahl fest oder klicken Sie auf Erzeugen.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>not generated</source>
        <translation>nicht erzeugt</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>queued</source>
        <translation>in Warteschlange</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>sm::ui::GenerationPanel</name>
    <message>
        <location filename="../ui/generation_panel.cpp" line="+108"/>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Describe the scene and what moves, e.g. “the flag waves in the wind”</source>
        <translation>Beschreiben Sie die Szene und was sich bewegt, z. B. „die Fahne weht im Wind“</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What the animation shows. Frames without a prompt of their own use this one. Pix2Gif adds the motion sentence itself, so describe the scene and the movement.</source>
        <translation>Was die Animation zeigt. Einzelbilder ohne eigenen Prompt verwenden diesen. Pix2Gif fügt den Bewegungssatz selbst hinzu; beschreiben Sie also die Szene und die Bewegung.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Manage…</source>
        <translation>Verwalten…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the Model Manager: add weights files or folders, see what was detected, pick the default.</source>
        <translation>Öffnet die Modellverwaltung: Gewichtsdateien oder -ordner hinzufügen, sehen, was erkannt wurde, den Standard wählen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The weights the inference thread has in memory now.</source>
        <translation>Die Gewichte, die der Inferenz-Thread gerade im Speicher hat.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loaded</source>
        <translation>Geladen</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Motion</source>
        <translation>Bewegung</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Which weights generate the frames. “Default” uses the default chosen in the Model Manager. Different weights give different styles and quality.</source>
        <translation>Welche Gewichte die Einzelbilder erzeugen. „Standard“ verwendet den in der Modellverwaltung gewählten Standard. Andere Gewichte ergeben andere Stile und Qualität.</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Pix2Gif</source>
        <translation>Pix2Gif</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cinemo</source>
        <translation>Cinemo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model family. Pix2Gif draws each frame from the source with its own motion value (256 × 256 for weights made from Stable Diffusion, 64 × 64 for the demo model). Cinemo generates the whole clip at once from the source and one motion intensity (512 × 320). Changing it resets the crop to the model&apos;s aspect; the loaded model&apos;s resolution is shown below.</source>
        <translation>Die Modellfamilie. Pix2Gif zeichnet jedes Bild aus der Quelle mit seinem eigenen Bewegungswert (256 × 256 bei Gewichten aus Stable Diffusion, 64 × 64 beim Demomodell). Cinemo erzeugt den ganzen Clip auf einmal aus der Quelle und einer Bewegungsstärke (512 × 320). Ein Wechsel setzt den Ausschnitt auf das Seitenverhältnis des Modells zurück; die Auflösung des geladenen Modells steht darunter.</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Pix2Gif motion: how far things move between the source and a frame, in pixels of optical flow (trained range 2–19). Moving the slider sets every frame; shape single frames with the motion curve in the timeline.</source>
        <translation>Pix2Gif-Bewegung: wie weit sich die Dinge zwischen der Quelle und einem Einzelbild bewegen, in Pixeln des optischen Flusses (trainierter Bereich 2–19). Der Schieberegler setzt alle Einzelbilder; einzelne Bilder formen Sie mit der Bewegungskurve in der Zeitleiste.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pix2Gif motion</source>
        <translation>Pix2Gif-Bewegung</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cinemo motion intensity: how much the whole clip moves, from 0 (almost still) to 19 (strong motion).</source>
        <translation>Cinemo-Bewegungsintensität: wie stark sich der ganze Clip bewegt, von 0 (fast still) bis 19 (starke Bewegung).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cinemo intensity</source>
        <translation>Cinemo-Intensität</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Set motion intensity</source>
        <translation>Bewegungsintensität festlegen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sampling</source>
        <translation>Sampling</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Faithful (Euler ancestral, 100 steps)</source>
        <translation>Originalgetreu (Euler ancestral, 100 Schritte)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fast preview (DPM++ 2M Karras, 20 steps)</source>
        <translation>Schnelle Vorschau (DPM++ 2M Karras, 20 Schritte)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom</source>
        <translation>Benutzerdefiniert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Faithful reproduces the authors&apos; results (slow). Fast preview takes a fifth of the time with slightly softer detail: use it to try prompts and motion, then switch back.</source>
        <translation>„Originalgetreu“ reproduziert die Ergebnisse der Autoren (langsam). „Schnelle Vorschau“ braucht ein Fünftel der Zeit bei etwas weicheren Details: ideal zum Ausprobieren von Prompts und Bewegung, danach zurückwechseln.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Preset</source>
        <translation>Voreinstellung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Euler ancestral</source>
        <translation>Euler ancestral</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Euler</source>
        <translation>Euler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DPM++ 2M Karras</source>
        <translation>DPM++ 2M Karras</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DDIM</source>
        <translation>DDIM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The denoising method. Ancestral samplers add fresh noise each step (more variety); DPM++ 2M Karras and DDIM converge in fewer steps.</source>
        <translation>Das Entrauschungsverfahren. Ancestral-Sampler fügen in jedem Schritt frisches Rauschen hinzu (mehr Vielfalt); DPM++ 2M Karras und DDIM kommen mit weniger Schritten aus.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Denoising steps per frame. More steps: finer detail and slower generation; time grows linearly with the steps.</source>
        <translation>Entrauschungsschritte pro Einzelbild. Mehr Schritte: feinere Details und langsamere Erzeugung; die Zeit wächst linear mit den Schritten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Text guidance: how strongly the frames follow the prompt. Higher follows the text more closely but looks harsher; 7.5 is the authors&apos; default.</source>
        <translation>Text-Guidance: wie stark die Einzelbilder dem Prompt folgen. Höher folgt dem Text genauer, wirkt aber härter; 7,5 ist der Standard der Autoren.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Text guidance</source>
        <translation>Text-Guidance</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Image guidance (Pix2Gif): how closely the frames keep to the source image. Higher keeps more of the source and moves less; lower lets the prompt change more.</source>
        <translation>Bild-Guidance (Pix2Gif): wie genau die Einzelbilder beim Quellbild bleiben. Höher bewahrt mehr von der Quelle und bewegt weniger; niedriger lässt den Prompt mehr verändern.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Image guidance</source>
        <translation>Bild-Guidance</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose preset</source>
        <translation>Voreinstellung wählen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose sampler</source>
        <translation>Sampler wählen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set steps</source>
        <translation>Schritte festlegen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set text guidance</source>
        <translation>Text-Guidance festlegen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set image guidance</source>
        <translation>Bild-Guidance festlegen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Seed and frames</source>
        <translation>Seed und Einzelbilder</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The random seed: the same seed, prompt and settings give the same frames. Changing it sets the seed of every frame; give single frames their own seed in the Frame panel.</source>
        <translation>Der Zufalls-Seed: derselbe Seed, Prompt und dieselben Einstellungen ergeben dieselben Einzelbilder. Eine Änderung setzt den Seed aller Einzelbilder; einzelnen Bildern geben Sie im Bereich „Einzelbild“ einen eigenen Seed.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+33"/>
        <location line="+187"/>
        <source>Lock</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <location line="-218"/>
        <source>Locked: Generate keeps the seed, so only your changes alter the result. Unlocked: every Generate draws a new seed and gives a new variation.</source>
        <translation>Gesperrt: „Erzeugen“ behält den Seed, sodass nur Ihre Änderungen das Ergebnis verändern. Entsperrt: Jedes „Erzeugen“ zieht einen neuen Seed und liefert eine neue Variante.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Randomise</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw a new random seed now (for every frame): a different variation of the same animation.</source>
        <translation>Jetzt einen neuen Zufalls-Seed ziehen (für alle Einzelbilder): eine andere Variante derselben Animation.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many frames the animation has. New frames continue the motion curve; removing frames drops them from the end (add or remove single frames in the timeline).</source>
        <translation>Wie viele Einzelbilder die Animation hat. Neue Bilder setzen die Bewegungskurve fort; beim Verringern fallen Bilder am Ende weg (einzelne Bilder fügen Sie in der Zeitleiste hinzu oder entfernen sie dort).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> fps</source>
        <translation> fps</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Playback speed in frames per second, for the preview and the export (Pix2Gif&apos;s demo uses 4, Cinemo 8). Cinemo also takes it as a hint for the motion.</source>
        <translation>Abspielgeschwindigkeit in Bildern pro Sekunde, für Vorschau und Export (die Pix2Gif-Demo nutzt 4, Cinemo 8). Cinemo nimmt sie außerdem als Hinweis für die Bewegung.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Frames</source>
        <translation>Einzelbilder</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Different noise per frame</source>
        <translation>Eigenes Rauschen pro Einzelbild</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Off (the authors&apos; behaviour): every frame starts from the same noise, which keeps the frames consistent. On: each frame gets its own noise: more variety, more flicker.</source>
        <translation>Aus (Verhalten der Autoren): Jedes Einzelbild beginnt mit demselben Rauschen, was die Bilder einheitlich hält. Ein: Jedes Bild bekommt eigenes Rauschen: mehr Vielfalt, mehr Flackern.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+187"/>
        <source>Locked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <location line="-186"/>
        <source>Lock seed</source>
        <translation>Seed sperren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unlock seed</source>
        <translation>Seed entsperren</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Set frame rate</source>
        <translation>Bildrate festlegen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Toggle noise per frame</source>
        <translation>Rauschen pro Einzelbild umschalten</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>DCTInit (Cinemo)</source>
        <translation>DCTInit (Cinemo)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cinemo&apos;s noise initialisation: starts from the low frequencies of the source instead of pure noise, which keeps colours and layout stable and avoids sudden changes. Only Cinemo uses it.</source>
        <translation>Cinemos Rauschinitialisierung: beginnt mit den tiefen Frequenzen der Quelle statt mit reinem Rauschen; das hält Farben und Aufbau stabil und vermeidet plötzliche Wechsel. Nur Cinemo verwendet sie.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Share of DCT coefficients taken from the source (0–1, default 0.23). Higher keeps more of the source&apos;s structure and gives less motion.</source>
        <translation>Anteil der DCT-Koeffizienten aus der Quelle (0–1, Standard 0,23). Höher bewahrt mehr von der Struktur der Quelle und ergibt weniger Bewegung.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Diffusion timestep at which the source is noised (0–999, default 975). Lower keeps more of the source; higher gives the model more freedom.</source>
        <translation>Diffusions-Zeitschritt, bei dem die Quelle verrauscht wird (0–999, Standard 975). Niedriger bewahrt mehr von der Quelle; höher lässt dem Modell mehr Freiheit.</translation>
    </message>
    <message>
        <location line="+176"/>
        <source>No model found: add one in the Model Manager</source>
        <translation>Kein Modell gefunden: fügen Sie eines in der Modellverwaltung hinzu</translation>
    </message>
    <message>
        <location line="-180"/>
        <source>Low-pass ratio</source>
        <translation>Tiefpass-Anteil</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Noise timestep</source>
        <translation>Rausch-Zeitschritt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Toggle DCTInit</source>
        <translation>DCTInit umschalten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set DCTInit ratio</source>
        <translation>DCTInit-Anteil festlegen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set DCTInit timestep</source>
        <translation>DCTInit-Zeitschritt festlegen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generate every frame from the source with these settings (Ctrl+Return).</source>
        <translation>Erzeugt alle Einzelbilder aus der Quelle mit diesen Einstellungen (Strg+Eingabe).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regenerate selected</source>
        <translation>Auswahl neu erzeugen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generate only the frames selected in the timeline again; the others stay (Ctrl+Shift+Return). Unlocked seeds give those frames a new variation.</source>
        <translation>Erzeugt nur die in der Zeitleiste ausgewählten Einzelbilder neu; die anderen bleiben (Strg+Umschalt+Eingabe). Entsperrte Seeds geben diesen Bildern eine neue Variante.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop generating (Esc). Frames finished so far are kept.</source>
        <translation>Erzeugung stoppen (Esc). Bereits fertige Einzelbilder bleiben erhalten.</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Set seed</source>
        <translation>Seed festlegen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Randomise seed</source>
        <translation>Seed zufällig wählen</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>varies</source>
        <translation>unterschiedlich</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Default (%1)</source>
        <translation>Standard (%1)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> (demo)</source>
        <translation> (Demo)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> — unusable</source>
        <translation> — unbrauchbar</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (not installed)</source>
        <translation>%1 (nicht installiert)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>nothing yet (loads on the first Generate)</source>
        <translation>noch nichts (wird beim ersten Erzeugen geladen)</translation>
    </message>
</context>
<context>
    <name>sm::ui::ImageCanvas</name>
    <message>
        <location filename="../ui/image_canvas.cpp" line="+94"/>
        <source>Open an image (Ctrl+O) or drop one here</source>
        <translation>Bild öffnen (Strg+O) oder hier ablegen</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>%1 × %2 → %3 × %4</source>
        <translation>%1 × %2 → %3 × %4</translation>
    </message>
</context>
<context>
    <name>sm::ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="+139"/>
        <source>The source image. The bright rectangle is what the model sees: drag it to move it, click to centre it there, turn the mouse wheel to resize it.</source>
        <translation>Das Quellbild. Das helle Rechteck ist, was das Modell sieht: ziehen zum Verschieben, klicken zum Zentrieren an dieser Stelle, Mausrad zum Ändern der Größe.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>loading %1: %2 (%3%)</source>
        <translation>lade %1: %2 (%3 %)</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Open an image to start (Ctrl+O), paste one (Ctrl+V) or drop one onto the window.</source>
        <translation>Öffnen Sie zum Start ein Bild (Strg+O), fügen Sie eines ein (Strg+V) oder ziehen Sie eines auf das Fenster.</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+202"/>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <location line="-195"/>
        <source>Timeline</source>
        <translation>Zeitleiste</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Frame</source>
        <translation>Einzelbild</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Main</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Open Image...</source>
        <translation>Bild ö&amp;ffnen...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the still image to animate (Ctrl+O).</source>
        <translation>Das zu animierende Standbild öffnen (Strg+O).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;Project...</source>
        <translation>&amp;Projekt öffnen...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Save Project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save the project with its frames (Ctrl+S).</source>
        <translation>Das Projekt mit seinen Einzelbildern speichern (Strg+S).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save Project &amp;As...</source>
        <translation>Projekt speichern &amp;unter...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Export Frames...</source>
        <translation>Einzelbilder &amp;exportieren...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export the animation as GIF, MP4, WebP or PNG frames (Ctrl+E).</source>
        <translation>Die Animation als GIF, MP4, WebP oder PNG-Einzelbilder exportieren (Strg+E).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Paste Image</source>
        <translation>Bild &amp;einfügen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use the image on the clipboard as the source (Ctrl+V).</source>
        <translation>Das Bild aus der Zwischenablage als Quelle verwenden (Strg+V).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Settings...</source>
        <translation>Ein&amp;stellungen...</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>&amp;Generate</source>
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generate every frame (Ctrl+Return).</source>
        <translation>Alle Einzelbilder erzeugen (Strg+Eingabe).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Regenerate Selected Frames</source>
        <translation>Ausgewählte Einzelbilder &amp;neu erzeugen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop generating; finished frames stay (Esc).</source>
        <translation>Erzeugung stoppen; fertige Einzelbilder bleiben (Esc).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>F&amp;rames</source>
        <translation>Einzelb&amp;ilder</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pix2Gif (%1 × %2)</source>
        <translation>Pix2Gif (%1 × %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cinemo (%1 × %2)</source>
        <translation>Cinemo (%1 × %2)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Manage Models...</source>
        <translation>Modelle &amp;verwalten...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Play/Pause</source>
        <translation>&amp;Abspielen/Pause</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Onion Skin</source>
        <translation>&amp;Zwiebelschicht</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Side by Side</source>
        <translation>&amp;Nebeneinander</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>As &amp;Exported</source>
        <translation>Wie &amp;exportiert</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Reset Layout</source>
        <translation>Layout &amp;zurücksetzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+O open image · Ctrl+V paste image · Ctrl+S save · Ctrl+E export
Ctrl+Z undo · Ctrl+Shift+Z redo
Ctrl+Return generate · Ctrl+Shift+Return regenerate selected · Esc cancel
Insert add frame · Ctrl+D duplicate · Delete remove · Alt+Left/Right move frames
Left/Right/Home/End choose frame (Shift extends) · Up/Down on the curve change motion
Space play/pause · O onion skin · B side by side · X as exported
Ctrl+M model manager · Ctrl+, settings</source>
        <translation>Strg+O Bild öffnen · Strg+V Bild einfügen · Strg+S speichern · Strg+E exportieren
Strg+Z rückgängig · Strg+Umschalt+Z wiederherstellen
Strg+Eingabe erzeugen · Strg+Umschalt+Eingabe Auswahl neu erzeugen · Esc abbrechen
Einfg Einzelbild hinzufügen · Strg+D duplizieren · Entf entfernen · Alt+Links/Rechts Einzelbilder verschieben
Links/Rechts/Pos1/Ende Einzelbild wählen (Umschalt erweitert) · Auf/Ab auf der Kurve ändert die Bewegung
Leertaste abspielen/pausieren · O Zwiebelschicht · B nebeneinander · X wie exportiert
Strg+M Modellverwaltung · Strg+, Einstellungen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;About Stillmotion</source>
        <translation>Ü&amp;ber Stillmotion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About Stillmotion</source>
        <translation>Über Stillmotion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Stillmotion %1&lt;/b&gt;&lt;br&gt;Still image to animation studio (Pix2Gif, Cinemo).&lt;br&gt;Inference: %2.</source>
        <translation>&lt;b&gt;Stillmotion %1&lt;/b&gt;&lt;br&gt;Animationsstudio für Standbilder (Pix2Gif, Cinemo).&lt;br&gt;Inferenz: %2.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>LibTorch engine</source>
        <translation>LibTorch-Engine</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not in this build</source>
        <translation>nicht in dieser Version</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Cannot open image</source>
        <translation>Bild kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Opened %1 (%2 × %3)</source>
        <translation>%1 geöffnet (%2 × %3)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Nothing to paste</source>
        <translation>Nichts zum Einfügen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The clipboard holds no image. Copy an image (or an image file) first.</source>
        <translation>Die Zwischenablage enthält kein Bild. Kopieren Sie zuerst ein Bild (oder eine Bilddatei).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Pasted an image (%1 × %2)</source>
        <translation>Bild eingefügt (%1 × %2)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot open project</source>
        <translation>Projekt kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1

%2</source>
        <translation>%1

%2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Recovered %1 from the backup of an interrupted save; save it to restore the project folder</source>
        <translation>%1 aus der Sicherung eines unterbrochenen Speichervorgangs wiederhergestellt; speichern Sie, um den Projektordner wiederherzustellen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Opened project %1</source>
        <translation>Projekt %1 geöffnet</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Cannot save project</source>
        <translation>Projekt kann nicht gespeichert werden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>

The previous save, if any, is unchanged.</source>
        <translation>

Die vorherige Speicherung, falls vorhanden, ist unverändert.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nothing to export</source>
        <translation>Nichts zu exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This project has no generated frames yet. Generate frames first, then export them.</source>
        <translation>Dieses Projekt hat noch keine erzeugten Einzelbilder. Erzeugen Sie zuerst Einzelbilder und exportieren Sie sie dann.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>no encoder for this format</source>
        <translation>kein Encoder für dieses Format</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Exported %n frame(s) to %1 (%2)</source>
        <translation>
            <numerusform>%n Einzelbild nach %1 exportiert (%2)</numerusform>
            <numerusform>%n Einzelbilder nach %1 exportiert (%2)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+15"/>
        <source>animation</source>
        <translation>Animation</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Exported %1</source>
        <translation>%1 exportiert</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Images and videos (%1);;All files (*)</source>
        <translation>Bilder und Videos (%1);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+447"/>
        <source>%1 · %2 × %3 · %4 on %5</source>
        <translation>%1 · %2 × %3 · %4 auf %5</translation>
    </message>
    <message>
        <location line="-634"/>
        <location line="+188"/>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open Project (a .smproj folder)</source>
        <translation>Projekt öffnen (ein .smproj-Ordner)</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+60"/>
        <source>Untitled</source>
        <translation>Unbenannt</translation>
    </message>
    <message>
        <location line="-269"/>
        <location line="+213"/>
        <source>Save Project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stillmotion project (*.smproj)</source>
        <translation>Stillmotion-Projekt (*.smproj)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Cannot use the trained model: %1</source>
        <translation>Das trainierte Modell kann nicht verwendet werden: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Generating with %1 from now on.</source>
        <translation>Ab jetzt wird mit %1 generiert.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%1[*] — Stillmotion</source>
        <translation>%1[*] — Stillmotion</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The project has unsaved changes. Save them first?</source>
        <translation>Das Projekt hat ungespeicherte Änderungen. Zuerst speichern?</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Autosave failed: %1</source>
        <translation>Automatische Sicherung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>an unsaved project</source>
        <translation>ein nicht gespeichertes Projekt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the project %1</source>
        <translation>das Projekt %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recover unsaved work</source>
        <translation>Ungespeicherte Arbeit wiederherstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stillmotion did not shut down cleanly. An autosave of %1 from %2 is available.</source>
        <translation>Stillmotion wurde nicht ordnungsgemäß beendet. Eine automatische Sicherung von %1 vom %2 ist verfügbar.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decide Later</source>
        <translation>Später entscheiden</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot restore the autosave</source>
        <translation>Die automatische Sicherung kann nicht wiederhergestellt werden</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Restored the autosave; save the project to keep it</source>
        <translation>Automatische Sicherung wiederhergestellt; speichern Sie das Projekt, um sie zu behalten</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot discard the autosave</source>
        <translation>Die automatische Sicherung kann nicht verworfen werden</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Settings saved. Device, threads and precision apply to the next model load; the language to the next start.</source>
        <translation>Einstellungen gespeichert. Gerät, Threads und Genauigkeit gelten ab dem nächsten Laden eines Modells, die Sprache ab dem nächsten Start.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Select the frames to regenerate in the timeline first.</source>
        <translation>Wählen Sie zuerst in der Zeitleiste die neu zu erzeugenden Einzelbilder.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing to animate</source>
        <translation>Nichts zu animieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open an image first (File ▸ Open Image, Ctrl+V to paste, or drop one onto the window).</source>
        <translation>Öffnen Sie zuerst ein Bild (Datei ▸ Bild öffnen, Strg+V zum Einfügen oder auf das Fenster ziehen).</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Describe the motion first</source>
        <translation>Beschreiben Sie zuerst die Bewegung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Frame %1 has no prompt and the project prompt is empty. The model animates what the prompt describes: type one in the Generate panel (e.g. “the boat drifts to the right”), or give the frame its own prompt in the Frame panel.</source>
        <translation>Einzelbild %1 hat keinen Prompt, und der Projekt-Prompt ist leer. Das Modell animiert, was der Prompt beschreibt: Geben Sie im Bereich „Erzeugen“ einen ein (z. B. „das Boot treibt nach rechts“) oder geben Sie dem Einzelbild im Bereich „Einzelbild“ einen eigenen Prompt.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No model to generate with</source>
        <translation>Kein Modell zum Erzeugen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>New seeds for regenerated frames</source>
        <translation>Neue Seeds für neu erzeugte Einzelbilder</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New seed</source>
        <translation>Neuer Seed</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>loading %1…</source>
        <translation>lade %1…</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Generating %n frame(s)…</source>
        <translation>
            <numerusform>Erzeuge %n Einzelbild…</numerusform>
            <numerusform>Erzeuge %n Einzelbilder…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+49"/>
        <source>Generated %n frame(s)</source>
        <translation>
            <numerusform>%n Einzelbild erzeugt</numerusform>
            <numerusform>%n Einzelbilder erzeugt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Generation cancelled; %n finished frame(s) kept</source>
        <translation>
            <numerusform>Erzeugung abgebrochen; %n fertiges Einzelbild behalten</numerusform>
            <numerusform>Erzeugung abgebrochen; %n fertige Einzelbilder behalten</numerusform>
        </translation>
    </message>
    <message>
        <location line="+18"/>
        <source>frame %1 of %2 · step %3/%4 · %5 left</source>
        <translation>Einzelbild %1 von %2 · Schritt %3/%4 · noch %5</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>frame %1 of %2 · step %3/%4</source>
        <translation>Einzelbild %1 von %2 · Schritt %3/%4</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>generating frame %1 (live preview)</source>
        <translation>erzeuge Einzelbild %1 (Live-Vorschau)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>failed to load</source>
        <translation>Laden fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot load the model</source>
        <translation>Das Modell kann nicht geladen werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1

%2

%3</source>
        <translation>%1

%2

%3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Generation failed</source>
        <translation>Erzeugung fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+91"/>
        <source>Cannot open recent file</source>
        <translation>Zuletzt geöffnete Datei kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 no longer exists.</source>
        <translation>%1 existiert nicht mehr.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Clear List</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No image</source>
        <translation>Kein Bild</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%1 × %2 px · crop %3 × %4 at (%5, %6) → %7 × %8 · %n frame(s)</source>
        <translation>
            <numerusform>%1 × %2 px · Zuschnitt %3 × %4 bei (%5, %6) → %7 × %8 · %n Einzelbild</numerusform>
            <numerusform>%1 × %2 px · Zuschnitt %3 × %4 bei (%5, %6) → %7 × %8 · %n Einzelbilder</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sm::ui::ModelCatalog</name>
    <message>
        <location filename="../ui/model_catalog.cpp" line="+114"/>
        <source>%1 was not found. It may have been moved, renamed or deleted: add it again from its new place, or remove it from the list.</source>
        <translation>%1 wurde nicht gefunden. Es wurde vielleicht verschoben, umbenannt oder gelöscht: Fügen Sie es vom neuen Ort wieder hinzu oder entfernen Sie es aus der Liste.</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <location line="+122"/>
        <source>What to do: the weights are gone from %1. Add them again from their new place, or remove the entry.</source>
        <translation>Was zu tun ist: Die Gewichte sind nicht mehr unter %1. Fügen Sie sie vom neuen Ort wieder hinzu oder entfernen Sie den Eintrag.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What to do: install a Stillmotion build that includes the inference engine.</source>
        <translation>Was zu tun ist: Installieren Sie eine Stillmotion-Version mit Inferenz-Engine.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What to do: close other programs, choose float16 precision in Settings, or use smaller weights.</source>
        <translation>Was zu tun ist: Schließen Sie andere Programme, wählen Sie in den Einstellungen die Genauigkeit float16 oder verwenden Sie kleinere Gewichte.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What to do: check that the download finished (compare the file size or checksum with the source), that the file is a Pix2Gif or Cinemo checkpoint (.ckpt, .safetensors or a diffusers folder), and add it again. If the file is damaged, download it again.</source>
        <translation>Was zu tun ist: Prüfen Sie, ob der Download vollständig ist (Dateigröße oder Prüfsumme mit der Quelle vergleichen) und ob die Datei ein Pix2Gif- oder Cinemo-Checkpoint ist (.ckpt, .safetensors oder ein Diffusers-Ordner), und fügen Sie sie erneut hinzu. Ist die Datei beschädigt, laden Sie sie erneut herunter.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>This project uses the %1 weights “%2”, which are not installed here. Add them in the Model Manager (Model ▸ Manage Models…), or choose other weights in the Generate panel.</source>
        <translation>Dieses Projekt verwendet die %1-Gewichte „%2“, die hier nicht installiert sind. Fügen Sie sie in der Modellverwaltung hinzu (Modell ▸ Modelle verwalten…) oder wählen Sie im Bereich „Erzeugen“ andere Gewichte.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>There are no usable %1 weights yet; a .safetensors or .ckpt file or a diffusers folder will do.</source>
        <translation>Es gibt noch keine verwendbaren %1-Gewichte; eine .safetensors- oder .ckpt-Datei oder ein Diffusers-Ordner genügt.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>No model found: add one in the Model Manager (Model ▸ Manage Models…).</source>
        <translation>Kein Modell gefunden: fügen Sie eines in der Modellverwaltung hinzu (Modell ▸ Modelle verwalten…).</translation>
    </message>
</context>
<context>
    <name>sm::ui::ModelManagerDialog</name>
    <message>
        <location filename="../ui/model_manager.cpp" line="+27"/>
        <source>%1 B</source>
        <translation>%1 Mrd.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 M</source>
        <translation>%1 Mio.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Model Manager</source>
        <translation>Modellverwaltung</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Weights for Pix2Gif and Cinemo. Bundled demo models come first; add your own checkpoints (.ckpt, .safetensors) or diffusers folders. The default of each family is used when a project does not name its weights.</source>
        <translation>Gewichte für Pix2Gif und Cinemo. Mitgelieferte Demo-Modelle stehen zuerst; fügen Sie eigene Checkpoints (.ckpt, .safetensors) oder Diffusers-Ordner hinzu. Der Standard jeder Familie wird verwendet, wenn ein Projekt keine Gewichte nennt.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Add File…</source>
        <translation>Datei hinzufügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a single weights file (.ckpt, .safetensors, .pt, .bin).</source>
        <translation>Eine einzelne Gewichtsdatei hinzufügen (.ckpt, .safetensors, .pt, .bin).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add Folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a model folder (a diffusers folder, or our safetensors with a model card).</source>
        <translation>Einen Modellordner hinzufügen (einen Diffusers-Ordner oder unsere Safetensors mit Modellkarte).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forget this entry; the files on disk are not touched. Bundled models cannot be removed.</source>
        <translation>Diesen Eintrag vergessen; die Dateien auf der Festplatte bleiben unberührt. Mitgelieferte Modelle können nicht entfernt werden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Set as Default</source>
        <translation>Als Standard festlegen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use these weights for projects of this family that do not name their weights.</source>
        <translation>Diese Gewichte für Projekte dieser Familie verwenden, die keine Gewichte nennen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inspect Again</source>
        <translation>Erneut prüfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load the weights once more to detect what they contain (after fixing a file).</source>
        <translation>Die Gewichte noch einmal laden, um zu erkennen, was sie enthalten (nach dem Reparieren einer Datei).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Add Weights File</source>
        <translation>Gewichtsdatei hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weights (*.safetensors *.ckpt *.pt *.pth *.bin);;All files (*)</source>
        <translation>Gewichte (*.safetensors *.ckpt *.pt *.pth *.bin);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add Model Folder</source>
        <translation>Modellordner hinzufügen</translation>
    </message>
    <message>
        <location line="+76"/>
        <source> (demo)</source>
        <translation> (Demo)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> ★ default</source>
        <translation> ★ Standard</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>not inspected</source>
        <translation>nicht geprüft</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>inspecting…</source>
        <translation>wird geprüft…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>cannot be used</source>
        <translation>nicht verwendbar</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>No weights yet. Add a Pix2Gif or Cinemo checkpoint with Add File… or Add Folder….</source>
        <translation>Noch keine Gewichte. Fügen Sie mit „Datei hinzufügen…“ oder „Ordner hinzufügen…“ einen Pix2Gif- oder Cinemo-Checkpoint hinzu.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 at %2 × %3, %4 parameters, %5 on %6</source>
        <translation>%1 mit %2 × %3, %4 Parameter, %5 auf %6</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Motion range %1–%2</source>
        <translation>Bewegungsbereich %1–%2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reading the weights…</source>
        <translation>Lese die Gewichte…</translation>
    </message>
</context>
<context>
    <name>sm::ui::MotionCurve</name>
    <message>
        <location filename="../ui/motion_curve.cpp" line="+34"/>
        <source>Motion curve: the Pix2Gif motion value of every frame. Drag a point up or down; sweep across frames while dragging to draw the curve. Higher values move things further. Up/Down change the current frame.</source>
        <translation>Bewegungskurve: der Pix2Gif-Bewegungswert jedes Einzelbilds. Ziehen Sie einen Punkt nach oben oder unten; streichen Sie beim Ziehen über mehrere Bilder, um die Kurve zu zeichnen. Höhere Werte bewegen die Dinge weiter. Auf/Ab ändern das aktuelle Einzelbild.</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Cinemo uses one motion intensity for the whole clip</source>
        <translation>Cinemo verwendet eine Bewegungsintensität für den ganzen Clip</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>frame 1</source>
        <translation>Einzelbild 1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>frame %1</source>
        <translation>Einzelbild %1</translation>
    </message>
</context>
<context>
    <name>sm::ui::PreviewPlayer</name>
    <message>
        <location filename="../ui/preview_player.cpp" line="+79"/>
        <source>source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Generated frames play here.</source>
        <translation>Hier werden die erzeugten Einzelbilder abgespielt.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Play or pause the animation (Space).</source>
        <translation>Animation abspielen oder pausieren (Leertaste).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scrub through the generated frames.</source>
        <translation>Durch die erzeugten Einzelbilder scrollen.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source> fps</source>
        <translation> fps</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Playback speed; it is also the frame rate of the export.</source>
        <translation>Abspielgeschwindigkeit; sie ist auch die Bildrate des Exports.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loop</source>
        <translation>Schleife</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ping-pong</source>
        <translation>Ping-Pong</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Once</source>
        <translation>Einmal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loop: start over after the last frame. Ping-pong: play forwards, then backwards. Once: stop at the last frame.</source>
        <translation>Schleife: nach dem letzten Einzelbild von vorn beginnen. Ping-Pong: vorwärts, dann rückwärts abspielen. Einmal: beim letzten Einzelbild anhalten.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Onion</source>
        <translation>Zwiebel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Onion skin: show the previous frame faintly over the current one, to judge how smooth the motion is (O).</source>
        <translation>Zwiebelschicht: das vorherige Einzelbild schwach über dem aktuellen zeigen, um zu beurteilen, wie flüssig die Bewegung ist (O).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Side by side: show the cropped source image next to the frame (B).</source>
        <translation>Nebeneinander: das zugeschnittene Quellbild neben dem Einzelbild zeigen (B).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>As GIF</source>
        <translation>Als GIF</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>As exported: show the frames as the GIF export will look after colour reduction to a 256-colour palette, with the estimated file size (X).</source>
        <translation>Wie exportiert: die Einzelbilder so zeigen, wie der GIF-Export nach der Farbreduktion auf eine 256-Farben-Palette aussieht, mit der geschätzten Dateigröße (X).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Estimated size of the GIF with the current export quality.</source>
        <translation>Geschätzte Größe des GIFs mit der aktuellen Exportqualität.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Set frame rate</source>
        <translation>Bildrate festlegen</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>estimating GIF size…</source>
        <translation>schätze GIF-Größe…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GIF ≈ %1</source>
        <translation>GIF ≈ %1</translation>
    </message>
    <message>
        <location line="+164"/>
        <source>frame %1</source>
        <translation>Einzelbild %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · as exported</source>
        <translation> · wie exportiert</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>GIF preview failed: %1</source>
        <translation>GIF-Vorschau fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>sm::ui::ProjectDocument</name>
    <message>
        <location filename="../ui/project_document.cpp" line="+197"/>
        <source>Edit prompt</source>
        <translation>Prompt bearbeiten</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Change model</source>
        <translation>Modell wechseln</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Move crop</source>
        <translation>Zuschnitt verschieben</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Edit prompt of frame %1</source>
        <translation>Prompt von Einzelbild %1 bearbeiten</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Set motion of frame %1</source>
        <translation>Bewegung von Einzelbild %1 festlegen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Set seed of frame %1</source>
        <translation>Seed von Einzelbild %1 festlegen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Edit motion curve</source>
        <translation>Bewegungskurve bearbeiten</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Set motion of all frames</source>
        <translation>Bewegung aller Einzelbilder festlegen</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>Add %n frame(s)</source>
        <translation>
            <numerusform>%n Einzelbild hinzufügen</numerusform>
            <numerusform>%n Einzelbilder hinzufügen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>Remove %n frame(s)</source>
        <translation>
            <numerusform>%n Einzelbild entfernen</numerusform>
            <numerusform>%n Einzelbilder entfernen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Reorder frames</source>
        <translation>Einzelbilder umordnen</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Set number of frames to %1</source>
        <translation>Anzahl der Einzelbilder auf %1 setzen</translation>
    </message>
</context>
<context>
    <name>sm::ui::SettingsDialog</name>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="+35"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Folders whose weights files and model folders all appear in the Model Manager and the Weights box.</source>
        <translation>Ordner, deren Gewichtsdateien und Modellordner alle in der Modellverwaltung und im Feld „Gewichte“ erscheinen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a folder to search for model weights.</source>
        <translation>Einen Ordner hinzufügen, in dem nach Modellgewichten gesucht wird.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop searching the selected folder (its files are not deleted).</source>
        <translation>Den ausgewählten Ordner nicht mehr durchsuchen (seine Dateien werden nicht gelöscht).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Model folders</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic (CUDA when available)</source>
        <translation>Automatisch (CUDA, wenn verfügbar)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where the model runs. A CUDA GPU is many times faster than the CPU; the CPU always works. Takes effect when the next model loads.</source>
        <translation>Wo das Modell läuft. Eine CUDA-GPU ist um ein Vielfaches schneller als die CPU; die CPU funktioniert immer. Wirkt beim nächsten Laden eines Modells.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All cores (%1)</source>
        <translation>Alle Kerne (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU threads for inference. Fewer threads leave the computer more responsive while generating.</source>
        <translation>CPU-Threads für die Inferenz. Weniger Threads lassen den Computer beim Erzeugen reaktionsfreudiger.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU threads</source>
        <translation>CPU-Threads</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>float32 (exact, most memory)</source>
        <translation>float32 (exakt, höchster Speicherbedarf)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>float16 (half the memory, GPU)</source>
        <translation>float16 (halber Speicher, GPU)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bfloat16 (half the memory, newer GPUs and CPUs)</source>
        <translation>bfloat16 (halber Speicher, neuere GPUs und CPUs)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Number format of the weights. Half precision needs half the memory and is faster on GPUs, with results that differ very slightly.</source>
        <translation>Zahlenformat der Gewichte. Halbe Genauigkeit braucht den halben Speicher und ist auf GPUs schneller; die Ergebnisse weichen minimal ab.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No live preview</source>
        <translation>Keine Live-Vorschau</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> steps</source>
        <translation> Schritte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How often a rough preview of the frame being generated is shown. Fewer previews cost slightly less time.</source>
        <translation>Wie oft eine grobe Vorschau des gerade erzeugten Einzelbilds gezeigt wird. Weniger Vorschauen kosten etwas weniger Zeit.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Live preview every</source>
        <translation>Live-Vorschau alle</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The language of the interface. It changes the next time Stillmotion starts.</source>
        <translation>Die Sprache der Oberfläche. Sie ändert sich beim nächsten Start von Stillmotion.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Device, threads and precision apply to the next model load; the language to the next start.</source>
        <translation>Gerät, Threads und Genauigkeit gelten ab dem nächsten Laden eines Modells, die Sprache ab dem nächsten Start.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Put every setting on this page back to its default (applied with OK).</source>
        <translation>Alle Einstellungen dieser Seite auf ihren Standard zurücksetzen (wirksam mit OK).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add Model Folder</source>
        <translation>Modellordner hinzufügen</translation>
    </message>
</context>
<context>
    <name>sm::ui::TimelinePanel</name>
    <message>
        <location filename="../ui/timeline_panel.cpp" line="+20"/>
        <source>Timeline</source>
        <translation>Zeitleiste</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add Frame</source>
        <translation>Einzelbild hinzufügen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add a frame after the current one; its motion continues the curve (Insert).</source>
        <translation>Ein Einzelbild nach dem aktuellen hinzufügen; seine Bewegung setzt die Kurve fort (Einfg).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy the selected frames, with their prompt, motion and seed, after the selection (Ctrl+D).</source>
        <translation>Die ausgewählten Einzelbilder mit Prompt, Bewegung und Seed hinter die Auswahl kopieren (Strg+D).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the selected frames from the animation (Delete).</source>
        <translation>Die ausgewählten Einzelbilder aus der Animation entfernen (Entf).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Earlier</source>
        <translation>Früher</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move the selected frames one place earlier (Alt+Left).</source>
        <translation>Die ausgewählten Einzelbilder um eine Stelle nach vorn verschieben (Alt+Links).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move the selected frames one place later (Alt+Right).</source>
        <translation>Die ausgewählten Einzelbilder um eine Stelle nach hinten verschieben (Alt+Rechts).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select All Frames</source>
        <translation>Alle Einzelbilder auswählen</translation>
    </message>
</context>
<context>
    <name>sm::ui::TrainingPanel</name>
    <message>
        <location filename="../ui/training_panel.cpp" line="+93"/>
        <source>The training engine is not available in this build. You can import and curate datasets; training needs a build with the trainer.</source>
        <translation>Die Trainings-Engine ist in dieser Version nicht verfügbar. Datensätze können Sie importieren und kuratieren; zum Trainieren brauchen Sie eine Version mit Trainer.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Trainer: %1</source>
        <translation>Trainer: %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>step %1 — %2</source>
        <translation>Schritt %1 — %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Training failed: %1</source>
        <translation>Training fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Import GIFs/Videos…</source>
        <translation>GIFs/Videos importieren…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add clips to the dataset. Frame pairs are measured with optical flow; pairs whose motion lies in 2–19 are kept, at most 10 per clip, spread over that range.</source>
        <translation>Clips zum Datensatz hinzufügen. Bildpaare werden mit optischem Fluss vermessen; Paare mit einer Bewegung von 2–19 werden behalten, höchstens 10 pro Clip, über diesen Bereich verteilt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import Folder…</source>
        <translation>Ordner importieren…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add every GIF and video in a folder and its subfolders. Captions come from a sidecar &lt;clip&gt;.txt, then captions.csv or captions.json in the clip&apos;s folder, then the file name. You can also drop clips and folders on this panel.</source>
        <translation>Fügt jedes GIF und Video eines Ordners und seiner Unterordner hinzu. Bildunterschriften stammen aus einer Begleitdatei &lt;clip&gt;.txt, dann aus captions.csv oder captions.json im Ordner des Clips, sonst aus dem Dateinamen. Clips und Ordner lassen sich auch auf dieses Panel ziehen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the selected clips from the dataset.</source>
        <translation>Die ausgewählten Clips aus dem Datensatz entfernen.</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+9"/>
        <source>Clip</source>
        <translation>Clip</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+9"/>
        <source>Frames</source>
        <translation>Einzelbilder</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Pairs kept</source>
        <translation>Behaltene Paare</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Caption</source>
        <translation>Beschriftung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Imported clips: frames read, pairs kept of those measured, and the caption (from a sidecar &lt;clip&gt;.txt, captions.csv or captions.json beside the clip, or else the file name).</source>
        <translation>Importierte Clips: gelesene Bilder, behaltene von den gemessenen Paaren und die Bildunterschrift (aus einer Begleitdatei &lt;clip&gt;.txt, aus captions.csv oder captions.json neben dem Clip, sonst aus dem Dateinamen).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Motion</source>
        <translation>Bewegung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Flow (px)</source>
        <translation>Fluss (px)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The curated training pairs: a start frame, a later frame and the motion between them, which the model learns to reproduce.</source>
        <translation>Die kuratierten Trainingspaare: ein Startbild, ein späteres Bild und die Bewegung dazwischen, die das Modell nachzubilden lernt.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>How many pairs teach each motion value. A flat histogram trains all motion values equally well.</source>
        <translation>Wie viele Paare jeden Bewegungswert lehren. Ein flaches Histogramm trainiert alle Bewegungswerte gleich gut.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>motion</source>
        <translation>Bewegung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pairs</source>
        <translation>Paare</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cinemo motion level of each clip: 100 × (1 − mean SSIM) of consecutive frames of a 16-frame sample, 0 = still, 19 = most motion. Measured on the frames read for curation.</source>
        <translation>Cinemo-Bewegungsstufe jedes Clips: 100 × (1 − mittlere SSIM) aufeinanderfolgender Einzelbilder einer Stichprobe aus 16 Bildern, 0 = still, 19 = stärkste Bewegung. Gemessen an den für die Kuratierung gelesenen Einzelbildern.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>SSIM motion level</source>
        <translation>SSIM-Bewegungsstufe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clips</source>
        <translation>Clips</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import Clips</source>
        <translation>Clips importieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Animations and videos (*.gif *.webp *.mp4 *.mov *.mkv *.webm *.avi);;All files (*)</source>
        <translation>Animationen und Videos (*.gif *.webp *.mp4 *.mov *.mkv *.webm *.avi);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Import Folder</source>
        <translation>Ordner importieren</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The weights training starts from: a Pix2Gif checkpoint to fine-tune, or Stable Diffusion 1.5 to train a new one.</source>
        <translation>Die Gewichte, von denen das Training ausgeht: ein Pix2Gif-Checkpoint zum Feintunen oder Stable Diffusion 1.5, um ein neues Modell zu trainieren.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start from</source>
        <translation>Ausgangsmodell</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checkpoints and sample frames are written here.</source>
        <translation>Checkpoints und Beispielbilder werden hierhin geschrieben.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Step size of the optimiser. Too high ruins the model; too low learns nothing. Pix2Gif used 0.0001.</source>
        <translation>Schrittweite des Optimierers. Zu hoch ruiniert das Modell; zu niedrig lernt nichts. Pix2Gif verwendete 0,0001.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Steps over which the learning rate rises from almost zero, so the first updates do not damage the starting weights.</source>
        <translation>Schritte, über die die Lernrate von fast null ansteigt, damit die ersten Aktualisierungen die Ausgangsgewichte nicht beschädigen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Warm-up steps</source>
        <translation>Aufwärmschritte</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pairs per step. Larger batches need more memory.</source>
        <translation>Paare pro Schritt. Größere Batches brauchen mehr Speicher.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Steps whose gradients are summed before one update: a larger effective batch without more memory.</source>
        <translation>Schritte, deren Gradienten vor einer Aktualisierung summiert werden: ein größerer effektiver Batch ohne mehr Speicher.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gradient accumulation</source>
        <translation>Gradientenakkumulation</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Training stops after this many updates. The published checkpoints used about 25 000.</source>
        <translation>Das Training endet nach so vielen Aktualisierungen. Die veröffentlichten Checkpoints nutzten etwa 25 000.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Write a checkpoint every this many steps; each one can be loaded as a model.</source>
        <translation>Nach so vielen Schritten jeweils einen Checkpoint schreiben; jeder lässt sich als Modell laden.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoint every</source>
        <translation>Checkpoint alle</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Generate a sample frame every this many steps to watch progress.</source>
        <translation>Nach so vielen Schritten jeweils ein Beispielbild erzeugen, um den Fortschritt zu verfolgen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample every</source>
        <translation>Beispiel alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exponential moving average</source>
        <translation>Exponentieller gleitender Mittelwert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep a smoothed copy of the weights; it usually generates better than the raw weights.</source>
        <translation>Eine geglättete Kopie der Gewichte behalten; sie erzeugt meist bessere Ergebnisse als die rohen Gewichte.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Not available: the trainer runs on the CPU, which trains in float32 only. Half precision needs a GPU trainer.</source>
        <translation>Nicht verfügbar: Der Trainer läuft auf der CPU, die nur in float32 trainiert. Halbe Genauigkeit braucht einen GPU-Trainer.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Number format for training. The CPU trainer trains in float32 only, so float16 and bfloat16 are disabled.</source>
        <translation>Zahlenformat für das Training. Der CPU-Trainer trainiert nur in float32, daher sind float16 und bfloat16 deaktiviert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Random horizontal flip</source>
        <translation>Zufällig horizontal spiegeln</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mirror half of the pairs (source and target together). Doubles the variety of the data; the model then moves things left and right equally well. Turn it off when the direction matters, e.g. text.</source>
        <translation>Die Hälfte der Paare spiegeln (Quelle und Ziel gemeinsam). Verdoppelt die Vielfalt der Daten; das Modell bewegt Dinge dann nach links und rechts gleich gut. Schalten Sie es aus, wenn die Richtung wichtig ist, z. B. bei Text.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Train the text encoder</source>
        <translation>Text-Encoder mittrainieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Also train the CLIP text encoder. Leave it off when fine-tuning a Stable Diffusion or InstructPix2Pix model: their CLIP already understands prompts (the authors keep it frozen). Turn it on for a model built from scratch, whose random text encoder otherwise hides words such as directions from the model.</source>
        <translation>Auch den CLIP-Text-Encoder trainieren. Beim Feinabstimmen eines Stable-Diffusion- oder InstructPix2Pix-Modells ausgeschaltet lassen: dessen CLIP versteht Prompts bereits (die Autoren lassen ihn eingefroren). Für ein von Grund auf neu gebautes Modell einschalten, dessen zufälliger Text-Encoder sonst Wörter wie Richtungen vor dem Modell verbirgt.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>How often the prompt, the source image or both are hidden from the model during training (this fraction each). It teaches the unconditional predictions that the guidance scales need; 0 makes the guidance scales ineffective. Pix2Gif used 0.05.</source>
        <translation>Wie oft dem Modell beim Training der Prompt, das Quellbild oder beides vorenthalten wird (jeweils dieser Anteil). So lernt es die unbedingten Vorhersagen, die die Guidance-Stärken brauchen; 0 macht die Guidance-Stärken wirkungslos. Pix2Gif verwendete 0,05.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Conditioning dropout</source>
        <translation>Konditionierungs-Dropout</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Weight of the perceptual loss, which compares VGG features of the generated and the real frame: higher keeps textures and edges of the source sharper, too high smears the motion. 0 turns it off. Pix2Gif used 0.01.</source>
        <translation>Gewicht des Wahrnehmungsverlusts, der VGG-Merkmale des erzeugten und des echten Einzelbilds vergleicht: Höher hält Texturen und Kanten der Quelle schärfer, zu hoch verwischt die Bewegung. 0 schaltet ihn aus. Pix2Gif verwendete 0,01.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Perceptual loss weight</source>
        <translation>Gewicht des Wahrnehmungsverlusts</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>none: random VGG features</source>
        <translation>keine: zufällige VGG-Merkmale</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>VGG19 ImageNet weights file (torchvision vgg19-dcbc3e09.pth); without it the perceptual loss uses fixed random VGG features.</source>
        <translation>VGG19-ImageNet-Gewichtsdatei (torchvision vgg19-dcbc3e09.pth); ohne sie verwendet der Wahrnehmungsverlust feste zufällige VGG-Merkmale.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose the VGG19 weights file.</source>
        <translation>Die VGG19-Gewichtsdatei wählen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>VGG19 weights</source>
        <translation>VGG19-Gewichte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Without VGG19 weights the perceptual loss uses fixed random VGG features, which guide it less well than ImageNet features.</source>
        <translation>Ohne VGG19-Gewichte verwendet der Wahrnehmungsverlust feste zufällige VGG-Merkmale, die ihn schlechter leiten als ImageNet-Merkmale.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Denoising steps (DPM++ 2M Karras) of each sample frame. More steps give cleaner samples and take longer; they do not change the trained weights.</source>
        <translation>Entrauschungsschritte (DPM++ 2M Karras) jedes Beispielbilds. Mehr Schritte ergeben sauberere Beispiele und dauern länger; die trainierten Gewichte ändern sie nicht.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sample steps</source>
        <translation>Beispielschritte</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All cores</source>
        <translation>Alle Kerne</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU threads the trainer uses. Fewer keep the computer responsive and make training slower; the result is the same.</source>
        <translation>CPU-Threads, die der Trainer verwendet. Weniger halten den Computer reaktionsfähig und machen das Training langsamer; das Ergebnis bleibt gleich.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>VGG19 Weights</source>
        <translation>VGG19-Gewichte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PyTorch weights (*.pth *.pt *.safetensors);;All files (*)</source>
        <translation>PyTorch-Gewichte (*.pth *.pt *.safetensors);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+29"/>
        <location line="+538"/>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location line="-537"/>
        <source>Start training on the curated pairs.</source>
        <translation>Das Training mit den kuratierten Paaren starten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause after the current step; Resume continues where it stopped.</source>
        <translation>Nach dem aktuellen Schritt pausieren; „Fortsetzen“ macht dort weiter.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>End training after the current step and write a last checkpoint.</source>
        <translation>Das Training nach dem aktuellen Schritt beenden und einen letzten Checkpoint schreiben.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume from Last Checkpoint</source>
        <translation>Vom letzten Checkpoint fortsetzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Continue an earlier run from the last checkpoint in the output folder (checkpoints/last.safetensors) with its step count, optimiser state and learning-rate schedule, instead of starting over.</source>
        <translation>Einen früheren Lauf vom letzten Checkpoint im Ausgabeordner (checkpoints/last.safetensors) mit seiner Schrittzahl, dem Zustand des Optimierers und dem Lernratenplan fortsetzen, statt neu zu beginnen.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Checkpoints</source>
        <translation>Checkpoints</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checkpoints written so far, and the finished model. Double-click one (or select it and press Generate with This) to generate with it in the studio.</source>
        <translation>Bisher geschriebene Checkpoints und das fertige Modell. Doppelklicken Sie auf einen Eintrag (oder wählen Sie ihn aus und drücken Sie „Damit generieren“), um im Studio damit zu generieren.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Generate with This</source>
        <translation>Damit generieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add the selected checkpoint or model to the Model Manager and generate with it.</source>
        <translation>Fügt den ausgewählten Checkpoint bzw. das Modell der Modellverwaltung hinzu und generiert damit.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Training loss (should fall and level off) and the learning rate (right axis).</source>
        <translation>Trainingsverlust (sollte fallen und sich einpendeln) und die Lernrate (rechte Achse).</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+7"/>
        <source>loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+5"/>
        <source>learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sample frames</source>
        <translation>Beispielbilder</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Frames generated with the weights as they train.</source>
        <translation>Mit den Gewichten während des Trainings erzeugte Einzelbilder.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Training engine not available in this build.</source>
        <translation>Trainings-Engine in dieser Version nicht verfügbar.</translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>measuring motion in %n clip(s)…</source>
        <translation>
            <numerusform>messe Bewegung in %n Clip…</numerusform>
            <numerusform>messe Bewegung in %n Clips…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+18"/>
        <source>no GIF or video files in this folder (%1)</source>
        <translation>keine GIF- oder Videodateien in diesem Ordner (%1)</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>unreadable</source>
        <translation>nicht lesbar</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message numerus="yes">
        <location line="+40"/>
        <source>%n clip(s)</source>
        <translation>
            <numerusform>%n Clip</numerusform>
            <numerusform>%n Clips</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n pair(s)</source>
        <translation>
            <numerusform>%n Paar</numerusform>
            <numerusform>%n Paare</numerusform>
        </translation>
    </message>
    <message>
        <location line="+122"/>
        <source>Cannot resume: there is no checkpoint at %1. Start a new run, or set the output folder to the one of the run to continue.</source>
        <translation>Fortsetzen nicht möglich: Unter %1 gibt es keinen Checkpoint. Starten Sie einen neuen Lauf oder stellen Sie als Ausgabeordner den des fortzusetzenden Laufs ein.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cannot start training: %1</source>
        <translation>Training kann nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Ready.</source>
        <translation>Bereit.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training…</source>
        <translation>Training läuft…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Paused.</source>
        <translation>Pausiert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopping after this step…</source>
        <translation>Stoppe nach diesem Schritt…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Finished.</source>
        <translation>Fertig.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>finished model — %1</source>
        <translation>fertiges Modell — %1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Step %1 of %2 · loss %3 · elapsed %4 · remaining %5</source>
        <translation>Schritt %1 von %2 · Verlust %3 · vergangen %4 · verbleibend %5</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
</context>
</TS>
